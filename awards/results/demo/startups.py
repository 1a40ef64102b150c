"""Demo nominations for the open edition: a dozen life-science startups of the kind the Flemingsberg
campus (Karolinska, KTH, Södertörn University, A Working Lab) brings forth. Fictional companies."""

# (startup, org number base (9 digits; the check digit is computed), sector, stage, founded, team, city,
#  status, pitch, tie to Flemingsberg)
STARTUPS = [
    ("Neurogrid Diagnostics AB", "559301234", "medtech", "clinical", 2022, 7, "Huddinge", "submitted",
     "EEG headbands that spot epileptic seizures at home.",
     "Desk at A Working Lab; clinical study with the neurology clinic in Huddinge."),
    ("Cellvia Therapeutics AB", "559298765", "life_science", "prototype", 2021, 12, "Huddinge", "eligible",
     "Off-the-shelf cell therapy for type 1 diabetes.",
     "Spun out of a research group at Karolinska Institutet in Flemingsberg."),
    ("SepsiQ AB", "559312468", "medtech", "clinical", 2023, 5, "Stockholm", "submitted",
     "A sepsis test that answers in twenty minutes instead of two days.",
     "Validation samples from the emergency department in Huddinge."),
    ("CareLoop AB", "559287531", "health_tech", "first_customers", 2021, 9, "Botkyrka", "submitted",
     "Digital follow-up for home care that nurses actually like.",
     "Pilot with home-care teams in Huddinge and Botkyrka."),
    ("BioPrint Nordic AB", "559276420", "life_science", "prototype", 2020, 6, "Huddinge", "submitted",
     "Bioprinted skin for testing drugs without animals.",
     "Lab at the Flemingsberg campus, shared equipment with KTH."),
    ("Osteon Labs AB", "559321357", "medtech", "prototype", 2023, 4, "Huddinge", "submitted",
     "Bone implants that dissolve as the bone heals.",
     "Materials research with KTH's School of Engineering Sciences in Health, Flemingsberg."),
    ("MicroBiome Sweden AB", "559265309", "life_science", "idea", 2024, 3, "Stockholm", "draft",
     "Gut-microbiome tests that guide cancer treatment.",
     "Collaboration with a research group at Karolinska Institutet, Flemingsberg."),
    ("Vitalink Sensors AB", "559254198", "medtech", "first_customers", 2020, 11, "Huddinge", "submitted",
     "A patch that measures vital signs for a week without charging.",
     "Member of Flemingsberg Business Community; office on campus."),
    ("Talbro AB", "559243087", "health_tech", "clinical", 2022, 5, "Huddinge", "submitted",
     "Speech therapy for people with aphasia, at home, every day.",
     "Research partner at Södertörn University."),
    ("GreenPharma Recycling AB", "559232976", "other", "first_customers", 2021, 8, "Botkyrka", "ineligible",
     "Recovering unused medicines from pharmacies for safe recycling.",
     "Logistics partner in Flemingsberg."),
    ("Antibodix AB", "559221865", "life_science", "prototype", 2022, 10, "Huddinge", "submitted",
     "Finding antibodies against resistant bacteria with machine learning.",
     "Screening lab at A Working Lab."),
    ("Scandi Dose AB", "559210754", "health_tech", "growth", 2019, 15, "Stockholm", "submitted",
     "A pill dispenser that tells the pharmacist when a dose is missed.",
     "Pilot with a care home in Flemingsberg."),
]  # fmt: skip

INELIGIBLE_REASON = "Bolaget är äldre än fem år vid nomineringens stängning. / The company is older than five years."

LONG_TEXTS = {
    "problem": "The people we serve wait too long, and care costs too much when problems are found late.",
    "solution": "Our product finds the problem early and brings the answer to the clinic or the home.",
    "innovation": "New science from the campus, built into something a nurse or a patient can use.",
    "market": "Hospitals and municipalities in the Nordics first, then Europe.",
    "team": "Founders from research and industry, with advisers from the Flemingsberg campus.",
    "impact": "Better health for patients, less strain on care, and less waste.",
}

# The previous edition, now with its jury: nine nominations, eight of them found eligible. Same columns
# as STARTUPS, then the team text when it differs from LONG_TEXTS (a juror's name in it is what makes
# the platform suggest a conflict of interest).
SCORING_STARTUPS = [
    ("Hemolytix AB", "559402317", "medtech", "clinical", 2022, 6, "Huddinge", "eligible",
     "A finger-prick test that finds anaemia in pregnancy at the midwife's first visit.",
     "Clinical study with the women's clinic at Karolinska University Hospital, Huddinge.", ""),
    ("NordOrganoid AB", "559391206", "life_science", "prototype", 2021, 9, "Huddinge", "eligible",
     "Mini-tumours grown from the patient's own cells show which cancer drug will work.",
     "Spun out of a laboratory at Karolinska Institutet in Flemingsberg.", ""),
    ("Rehabit AB", "559380195", "health_tech", "first_customers", 2021, 8, "Stockholm", "eligible",
     "A motion-sensor game that turns stroke rehabilitation into daily training at home.",
     "Developed with KTH's medical technology researchers in Flemingsberg.", ""),
    ("Fibrosense AB", "559413428", "medtech", "prototype", 2023, 4, "Huddinge", "eligible",
     "A breath test that shows lung fibrosis years before the lungs stiffen.",
     "Prototype built at A Working Lab; samples from the lung clinic in Huddinge.", ""),
    ("Placentia Bio AB", "559369084", "life_science", "clinical", 2022, 7, "Huddinge", "eligible",
     "A blood test that warns of pre-eclampsia in the first trimester.",
     "Biobank collaboration with Karolinska Institutet, Flemingsberg.", ""),
    ("Dentara AB", "559424539", "health_tech", "first_customers", 2022, 6, "Huddinge", "eligible",
     "AI that reads dental X-rays and marks early caries for the dentist.",
     "Founded by researchers at the Department of Dental Medicine in Flemingsberg.",
     "Two dentists from Karolinska Institutet and a data engineer; Maja Söderberg sits on the board."),
    ("Senioro AB", "559358973", "health_tech", "first_customers", 2021, 10, "Botkyrka", "eligible",
     "Radar sensors that notice a fall at home without a camera or a wristband.",
     "Test bed with home care in Huddinge through Flemingsberg Innovation Community.", ""),
    ("ImmunoTrace AB", "559435640", "life_science", "prototype", 2023, 5, "Huddinge", "eligible",
     "A T-cell assay that spots kidney-transplant rejection before the kidney is harmed.",
     "Transplant research group at Karolinska Institutet, Flemingsberg.", ""),
    ("Quickdrop Logistics AB", "559347862", "other", "growth", 2017, 14, "Botkyrka", "ineligible",
     "Drones that carry lab samples between care units.",
     "Landing site at the hospital in Huddinge.", ""),
]  # fmt: skip
