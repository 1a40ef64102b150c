"""Demo jury for the edition in jury scoring: its rubric, the jurors beside the chair@ and juror@ demo
logins, their conflicts of interest and how far each has come with the scoring."""

# Every demo juror's authenticator: jurors need two-factor authentication, so each demo juror has a
# TOTP device with this fixed, public secret (base32). Add it once to an authenticator app to log in as
# any of them. Demo only: anyone who reads this file can compute the codes.
DEMO_TOTP_SECRET = "FLEMINGSBERGSCIENCEAWARDDEMOJURY"  # noqa: S105 (public on purpose)

# The seed of the assignment draw, so every fresh demo database gets the same plan.
ASSIGNMENT_SEED = 2022
JURORS_PER_NOMINATION = 3

# Jurors besides the chair@ and juror@ demo accounts: (e-mail, name).
EXTRA_JURORS = [
    ("amira@demo.flemingsbergscience.se", "Amira Haddad"),
    ("erik@demo.flemingsbergscience.se", "Erik Lindqvist"),
    ("maja@demo.flemingsbergscience.se", "Maja Söderberg"),
]
EXTRA_JUROR_PASSWORD = "demo-juror-pass"  # noqa: S105 (a demo login, printed by seed_demo)

# Conflicts the jurors declare themselves, on the first nomination the first draw gives them:
# juror e-mail → (kind, note). The organiser then draws the plan again, which leaves them out.
JUROR_CONFLICTS = {
    "amira@demo.flemingsbergscience.se": (
        "investor",
        "Jag investerade i bolagets såddrunda 2023 via mitt änglanätverk. / I invested in the company's 2023 "
        "seed round through my angel network.",
    ),
    "erik@demo.flemingsbergscience.se": (
        "research_group",
        "Grundarna forskade i min grupp vid KTH i Flemingsberg fram till 2022. / The founders worked in my "
        "research group at KTH Flemingsberg until 2022.",
    ),
}

# A conflict an organiser records before the draw, answering the platform's suggestion (the juror's
# name is in the startup's team description): (juror e-mail, startup, kind, note).
ORGANISER_CONFLICT = (
    "maja@demo.flemingsbergscience.se",
    "Dentara AB",
    "adviser",
    "Maja Söderberg sitter i Dentaras styrelse; bekräftat med henne per telefon. / Maja Söderberg sits on "
    "Dentara's board; confirmed with her by phone.",
)

# How far each juror has come, over the nominations left to them after conflicts, in their own order:
# (submitted, drafts, unanswered). The first ones are submitted, then the drafts; the rest are not
# started, and the last `unanswered` of those still wait for the juror's conflict-of-interest answer.
ALL = 99
PROGRESS = {
    "chair@demo.flemingsbergscience.se": (3, 1, 0),
    "juror@demo.flemingsbergscience.se": (2, 1, 1),
    "amira@demo.flemingsbergscience.se": (ALL, 0, 0),
    "erik@demo.flemingsbergscience.se": (1, 0, 0),
    "maja@demo.flemingsbergscience.se": (0, 0, ALL),
}

# How strictly each juror scores: added to every score before it is kept inside the scale.
LENIENCY = {
    "chair@demo.flemingsbergscience.se": 0,
    "juror@demo.flemingsbergscience.se": 0,
    "amira@demo.flemingsbergscience.se": 1,
    "erik@demo.flemingsbergscience.se": -1,
    "maja@demo.flemingsbergscience.se": 0,
}

# What the jury thinks of each startup, criterion by criterion (in RUBRIC order), before leniency.
MERIT = {
    "Hemolytix AB": (4, 5, 4, 4, 4),
    "NordOrganoid AB": (5, 4, 5, 3, 4),
    "Rehabit AB": (3, 4, 3, 4, 3),
    "Fibrosense AB": (4, 4, 4, 2, 3),
    "Placentia Bio AB": (5, 5, 4, 3, 4),
    "Dentara AB": (3, 3, 4, 4, 4),
    "Senioro AB": (3, 4, 5, 4, 3),
    "ImmunoTrace AB": (4, 4, 4, 3, 3),
}

COMMENTS = [
    "Stark vetenskap; oklart hur de når första betalande kund. / Strong science; unclear how they reach a "
    "first paying customer.",
    "Tydlig nytta för vården och en bra koppling till campus. / Clear value for care and a good tie to the campus.",
    "Litet team för en så stor plan; värt att fråga om rekryteringar. / A small team for such a big plan; "
    "worth asking about hiring.",
    "Imponerande pilotresultat i Huddinge. / Impressive pilot results in Huddinge.",
]
DRAFT_COMMENT = "Läser klart pitchdecken innan jag sätter de sista poängen. / Finishing the pitch deck first."

# The rubric: (name sv, name en, weight, guidance sv, guidance en, five level descriptors (sv, en)).
RUBRIC = [
    (
        "Innovation och vetenskaplig höjd",
        "Innovation and scientific strength",
        "3",
        "Hur ny är vetenskapen eller tekniken, och hur väl vilar den på forskning? Jämför med vad som redan "
        "finns på marknaden och i litteraturen.",
        "How new is the science or technology, and how well is it founded in research? Compare with what "
        "already exists on the market and in the literature.",
        [
            ("Känd lösning utan ny kunskap.", "A known solution with no new knowledge."),
            ("Liten förbättring av något som finns.", "A small improvement on something that exists."),
            ("Tydligt ny, med visst vetenskapligt stöd.", "Clearly new, with some scientific support."),
            ("Ny och väl underbyggd av egen forskning.", "New and well supported by its own research."),
            (
                "Banbrytande och vetenskapligt förankrad, i internationell toppklass.",
                "Ground-breaking and founded in science, among the best internationally.",
            ),
        ],
    ),
    (
        "Nytta för samhällsutmaningar",
        "Value for society's challenges",
        "2.5",
        "Vilken samhällsutmaning möter bolaget (hälsa, vård, omsorg, miljö), och hur stor skillnad gör det "
        "för patienter, personal eller samhället?",
        "Which challenge of society does the company meet (health, care, the environment), and how much "
        "difference does it make to patients, staff or society?",
        [
            ("Ingen tydlig samhällsnytta.", "No clear value for society."),
            ("Nytta för en liten grupp, svag evidens.", "Value for a small group, weak evidence."),
            ("Tydlig nytta, delvis belagd.", "Clear value, partly shown."),
            ("Stor nytta, belagd i pilot eller studie.", "Large value, shown in a pilot or study."),
            (
                "Kan förändra vården eller samhället, och visar det redan.",
                "Could change care or society, and already shows it.",
            ),
        ],
    ),
    (
        "Koppling till Flemingsberg",
        "Tie to Flemingsberg",
        "2",
        "Hur använder och stärker bolaget campus: forskning, sjukhus, forskningsinfrastruktur, A Working Lab, "
        "samarbeten i södra Stockholm? Stiftelsen vill att Flemingsberg ska vara förstahandsvalet för nya "
        "bolag och en testbädd för samhällsutmaningar.",
        "How does the company use and strengthen the campus: research, the hospital, research "
        "infrastructure, A Working Lab, partnerships in southern Stockholm? The foundation wants Flemingsberg "
        "to be the first choice for new companies and a test bed for society's challenges.",
        [
            ("Ingen koppling utöver adressen.", "No tie beyond the address."),
            ("Enstaka kontakter på campus.", "Occasional contacts on campus."),
            ("Pågående samarbete med en aktör på campus.", "An ongoing partnership with one campus actor."),
            (
                "Flera samarbeten; bolaget använder campus som testbädd.",
                "Several partnerships; the company uses the campus as a test bed.",
            ),
            (
                "Bolaget är en förebild för vad Flemingsberg kan åstadkomma.",
                "The company is a model of what Flemingsberg can achieve.",
            ),
        ],
    ),
    (
        "Marknad och affärsmodell",
        "Market and business model",
        "1.5",
        "Finns en betalande kund, en realistisk väg dit och en marknad som är internationellt konkurrenskraftig?",
        "Is there a paying customer, a realistic path to one, and a market where the company can compete "
        "internationally?",
        [
            ("Ingen kund eller affärsmodell beskriven.", "No customer or business model described."),
            ("Kund beskriven men inte validerad.", "A customer described but not validated."),
            ("Validerad kund, oklar väg till intäkter.", "A validated customer, unclear path to revenue."),
            ("Första intäkter eller avsiktsförklaringar.", "First revenue or letters of intent."),
            (
                "Växande intäkter och en tydlig plan för export.",
                "Growing revenue and a clear plan for export.",
            ),
        ],
    ),
    (
        "Team och genomförandeförmåga",
        "Team and ability to deliver",
        "1",
        "Har teamet den kompetens och erfarenhet som planen kräver, och har de visat att de levererar?",
        "Does the team have the skills and experience the plan needs, and have they shown they deliver?",
        [
            ("Viktiga kompetenser saknas.", "Key skills are missing."),
            ("Kompetens finns, men lite erfarenhet.", "The skills are there, with little experience."),
            ("Balanserat team med relevant erfarenhet.", "A balanced team with relevant experience."),
            ("Starkt team som levererat milstolpar.", "A strong team that has met milestones."),
            (
                "Erfaret team med rådgivare och bevisad förmåga att skala.",
                "An experienced team with advisers and a proven ability to scale.",
            ),
        ],
    ),
]
