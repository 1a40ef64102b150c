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
