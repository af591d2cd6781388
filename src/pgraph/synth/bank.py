# ruff: noqa: E501  (sentences read better unbroken)
"""The word and name banks the synthetic catalogue is built from.

Only *content* lives here (places, organisation name patterns, sentences of
the kind practice pages contain, made-up Acts). Every heading and facet value
a page shows comes from ``ontology/vocabularies/`` instead, so that synthetic
pages follow the vocabularies when they change.

Tuples, never sets or dicts iterated for choices: the generator must draw the
same names in the same order on every run.
"""

from __future__ import annotations

COUNTRIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # ISO 3166-1 alpha-2 code and English city names, most often seen first
    # (the country distribution is skewed by this order).
    (
        "GB",
        (
            "London",
            "Manchester",
            "Birmingham",
            "Leeds",
            "Bristol",
            "Liverpool",
            "Sheffield",
            "Cardiff",
            "Glasgow",
            "Leicester",
            "Nottingham",
            "Newcastle",
            "Luton",
            "Bradford",
        ),
    ),
    ("FR", ("Paris", "Lyon", "Marseille", "Lille", "Toulouse", "Nantes", "Strasbourg", "Bordeaux")),
    (
        "DE",
        ("Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt", "Stuttgart", "Bremen", "Dresden"),
    ),
    ("BE", ("Brussels", "Antwerp", "Ghent", "Liège", "Mechelen", "Vilvoorde")),
    ("NL", ("Amsterdam", "Rotterdam", "The Hague", "Utrecht", "Eindhoven", "Delft")),
    ("ES", ("Madrid", "Barcelona", "Valencia", "Seville", "Bilbao", "Málaga")),
    ("IT", ("Rome", "Milan", "Naples", "Turin", "Bologna", "Florence")),
    ("SE", ("Stockholm", "Gothenburg", "Malmö", "Uppsala")),
    ("DK", ("Copenhagen", "Aarhus", "Odense", "Aalborg")),
    ("AT", ("Vienna", "Graz", "Linz", "Salzburg")),
    ("IE", ("Dublin", "Cork", "Limerick", "Galway")),
    ("PT", ("Lisbon", "Porto", "Coimbra", "Braga")),
    ("FI", ("Helsinki", "Espoo", "Tampere", "Turku")),
    ("NO", ("Oslo", "Bergen", "Trondheim", "Stavanger")),
    ("PL", ("Warsaw", "Kraków", "Wrocław", "Gdańsk", "Poznań")),
    ("CH", ("Zurich", "Geneva", "Basel", "Bern")),
    ("CZ", ("Prague", "Brno", "Ostrava")),
    ("GR", ("Athens", "Thessaloniki", "Patras")),
    ("HU", ("Budapest", "Debrecen", "Szeged")),
    ("RO", ("Bucharest", "Cluj-Napoca", "Timișoara", "Iași")),
    ("BG", ("Sofia", "Plovdiv", "Varna")),
    ("HR", ("Zagreb", "Split", "Rijeka")),
    ("SI", ("Ljubljana", "Maribor")),
    ("SK", ("Bratislava", "Košice")),
    ("LU", ("Luxembourg", "Esch-sur-Alzette")),
    ("EE", ("Tallinn", "Tartu")),
    ("LV", ("Riga", "Daugavpils")),
    ("LT", ("Vilnius", "Kaunas")),
    ("CY", ("Nicosia", "Limassol")),
    ("MT", ("Valletta", "Birkirkara")),
    ("RS", ("Belgrade", "Novi Sad", "Niš")),
    ("BA", ("Sarajevo", "Banja Luka", "Mostar")),
    ("MK", ("Skopje", "Bitola")),
    ("AL", ("Tirana", "Durrës")),
    ("ME", ("Podgorica", "Nikšić")),
    ("IS", ("Reykjavík", "Akureyri")),
    ("TR", ("Istanbul", "Ankara", "Izmir")),
    ("UA", ("Kyiv", "Lviv", "Kharkiv")),
    ("MD", ("Chișinău", "Bălți")),
    ("GE", ("Tbilisi", "Batumi")),
)

GB_REGIONS = (
    "Greater Manchester",
    "West Midlands",
    "West Yorkshire",
    "Merseyside",
    "Thames Valley",
    "Avon and Somerset",
    "Northumbria",
    "South Wales",
    "Lancashire",
    "Kent",
)

DISTRICTS = (
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Old Town",
    "Riverside",
    "Harbour",
    "Hillside",
    "Park",
    "Station",
    "Market",
    "University",
    "Docklands",
    "Garden",
    "Bridge",
)

# Organisation patterns: (pattern, statutory, countries). ``statutory`` marks the
# kinds that community-safety legislation names as responsible authorities
# (police, local authority, probation, fire and rescue, health); ``countries``
# limits a pattern to where it exists ("" = everywhere, "GB" = Great Britain only,
# "!GB" = everywhere else).
ORGANISATION_PATTERNS: tuple[tuple[str, bool, str], ...] = (
    ("{city} Police", True, "GB"),
    ("{region} Police", True, "GB"),
    ("{city} Municipal Police", True, "!GB"),
    ("{city} City Council", True, ""),
    ("{city} Borough Council", True, "GB"),
    ("{region} Probation Service", True, ""),
    ("{city} Fire and Rescue Service", True, ""),
    ("{city} Clinical Commissioning Group", True, "GB"),
    ("{city} Public Health Service", True, "!GB"),
    ("{city} Youth Offending Team", False, "GB"),
    ("{city} Youth Association", False, ""),
    ("{city} {district} Residents' Association", False, ""),
    ("{city} {district} Secondary School", False, ""),
    ("{city} {district} Community Centre", False, ""),
    ("{city} College", False, ""),
    ("{city} University", False, ""),
    ("{city} Chamber of Commerce", False, ""),
    ("{city} Crime Prevention Association", False, ""),
    ("{city} Victim Support", False, ""),
    ("{city} Court Service", False, ""),
    ("{city} Public Transport Company", False, ""),
    ("{city} Interfaith Forum", False, ""),
    ("{city} Housing Association", False, ""),
    ("{city} Football Club Foundation", False, ""),
    ("{city} {district} Neighbourhood Watch", False, ""),
    ("{ngo_adjective} {ngo_noun} {ngo_form}", False, ""),
)

NGO_ADJECTIVES = (
    "Open",
    "New",
    "Safe",
    "Bright",
    "Common",
    "Shared",
    "Young",
    "Active",
    "United",
    "Future",
    "Second",
    "Strong",
    "Peaceful",
    "Urban",
    "Together",
    "Fair",
)
NGO_NOUNS = (
    "Doors",
    "Horizons",
    "Bridges",
    "Paths",
    "Voices",
    "Ground",
    "Streets",
    "Futures",
    "Roots",
    "Circles",
    "Steps",
    "Harbour",
    "Neighbours",
    "Chances",
    "Minds",
    "Compass",
)
NGO_FORMS = ("Foundation", "Trust", "Network", "Association", "Initiative", "Charity")

# Partners that are not tied to a place; a few of them sit in the Zipf head, as
# "Residents' representatives" does in the real catalogue.
GENERIC_ORGANISATIONS = (
    "Residents' representatives",
    "Business representatives",
    "Voluntary sector representative",
    "Faith community representatives",
    "Youth workers' network",
    "Victim support services",
    "Regional health services",
    "Social services",
    "Local schools network",
    "Prison and probation services",
)

PARTNERSHIP_PATTERNS = (
    "{city} Safer Community Partnership",
    "Safer {city} Partnership",
    "{city} Community Safety Partnership",
    "{city} Prevent Partnership",
    "{city} Partnership against Violent Extremism",
    "{city} Youth Crime Prevention Network",
)

PARTNERSHIP_INTRODUCTIONS = (
    "The {partnership} involves representation from the following partners:",
    "The {partnership} brings together the following partners:",
    "The practice is delivered by the {partnership}, whose partners are:",
    "Partners of the {partnership} are:",
)

STATUTORY_LEGEND = (
    "Those partners marked with an asterisk are the statutory partners under the {act} "
    "and subsequent legislation."
)
STATUTORY_LEGEND_TAILS = (
    " Collectively they are responsible for delivering the ambitions set out in this Plan.",
    " They meet every quarter to review the partnership plan.",
    "",
)

GB_ACTS = (("Crime and Disorder Act", 1998), ("Counter-Terrorism and Security Act", 2015))
"""Real Acts (in ``legislation.ttl``) for British practices."""

NATIONAL_ACT_NAMES = (
    # Made-up but plausible: pgraph flags them unresolved, which is the point.
    "Prevention of Radicalisation Act",
    "Community Safety Act",
    "Local Crime Prevention Act",
    "Municipal Security Act",
    "Youth Protection Act",
    "Public Order and Prevention Act",
    "Violence Prevention Act",
    "Safer Communities Act",
)

PRACTICE_NAMES = (
    "Community Policing",
    "Youth Mentoring against Radicalisation",
    "Neighbourhood Safety Teams",
    "Multi-Agency Safeguarding Hub",
    "Exit Programme for Violent Extremists",
    "School-based Resilience Training",
    "Restorative Circles",
    "Night-time Economy Safety Scheme",
    "Online Hate Monitoring",
    "Family Support Network",
    "Street Mediation",
    "Prison Dialogue Programme",
    "Cyber Safety Awareness",
    "Football against Hate",
    "Early Help for Families at Risk",
    "Safe Routes to School",
    "Community Reporting Centre",
    "Women's Voices against Extremism",
    "Gang Exit Support",
    "Frontline Practitioner Training",
    "Faith Leaders' Forum",
    "Youth Outreach Workers",
    "Victim Contact Service",
    "Returnee Reintegration Programme",
    "Hate Crime Third-Party Reporting",
)
TITLE_PATTERNS = (
    "{practice} in {city}",
    "{city} {practice}",
    "{practice} \u2013 {city}",
)

AUDIENCES = (
    "young people",
    "families",
    "schools",
    "residents",
    "local businesses",
    "community leaders",
    "faith groups",
    "frontline practitioners",
    "social workers",
    "youth workers",
    "victims",
    "offenders on licence",
    "parents",
    "teachers",
    "vulnerable adults",
)
HARMS = (
    "anti-social behaviour",
    "violent extremism",
    "radicalisation",
    "hate crime",
    "street crime",
    "domestic abuse",
    "online grooming",
    "drug dealing",
    "knife crime",
    "burglary",
    "polarisation",
    "organised crime",
    "vandalism",
    "fraud",
)
ACTIVITIES = (
    "regular patrols",
    "home visits",
    "school workshops",
    "mentoring sessions",
    "joint case conferences",
    "community meetings",
    "training days",
    "street outreach",
    "online campaigns",
    "mediation sessions",
    "sports activities",
    "drop-in clinics",
)

# Sentences by section; placeholders are filled per practice. Several per
# section so that pages vary; shared ones make up the bulk of the text.
SENTENCES: dict[str, tuple[str, ...]] = {
    "description": (
        "{practice} is at the heart of the daily work to protect and serve the people who live in, work in and visit {city}.",
        "Officers and partners work with {audience} across {number} neighbourhood teams.",
        "The practice started in {year} as a pilot in two districts of {city} and now covers the whole area.",
        "Teams combine {activity} and {activity2} to reach {audience} early.",
        "This structured approach helps focus the work on the places where {harm} is most reported.",
        "The {partnership} coordinates the practice and shares information between partners.",
        "Each team has a named lead who is known to {audience} and can be contacted directly.",
        "The approach is designed to meet today's and tomorrow's challenges in an ever-evolving city.",
        "Positioning the teams in this way makes for smarter, more efficient work with {audience} and local businesses.",
        "Residents can raise concerns at monthly meetings, by phone or online, and receive an answer within two weeks.",
        "When a case needs more than one agency, partners meet within five working days to agree on a joint plan.",
        "The practice pays particular attention to {harm}, which partners identified as a priority in {year2}.",
    ),
    "objectives": (
        "The practice aims to reduce {harm} and to strengthen the trust of {audience} in public services.",
        "It supports the wider engagement activities already taking place in schools, places of worship and community groups.",
        "Partners identify tensions and grievances early, before they lead to {harm}.",
        "The team aims to strengthen communities so that they can challenge the messages of hate that lead to {harm2}.",
        "A further objective is to give {audience} a safe place to report concerns.",
        "The practice seeks to improve the coordination of {activity} between partners.",
        "Partners want to identify people at risk of {harm} earlier and to offer them support instead of sanctions.",
        "The practice also aims to give frontline staff the confidence to act on early signs of {harm2}.",
    ),
    "sustainability": (
        "The practice is funded from the core budgets of the partners, which makes it independent of project grants.",
        "Since its establishment, the {partnership} has played a key role in reducing {harm}.",
        "Staff are trained every year, so that knowledge stays in the organisations when people move on.",
        "The approach has been written into the local community safety strategy for {year2}.",
        "Volunteers from {audience} keep the activities going between funding rounds.",
    ),
    "transferability": (
        "In order for this model to be transferable, other cities should study their emerging concerns and regional priorities.",
        "The practice has been adapted in {number} other municipalities with similar results.",
        "Each city needs to be flexible and agile in its response, given the changing nature of its communities.",
        "The training material is available in English and can be translated at low cost.",
        "Transfer requires a strong local partnership and a named coordinator.",
    ),
    "evidence": (
        "The {partnership} follows a yearly strategic assessment and reviews its strategy for the year ahead.",
        "An external evaluation in {year2} found a reduction of {percent}% in reported {harm}.",
        "Partners collect monthly figures on {activity} and on referrals.",
        "Surveys of {audience} show growing confidence in the practice.",
        "The evaluation combined interviews with practitioners and an analysis of police records.",
        "A steering group of the partners meets every quarter to review the figures and adjust the plan.",
        "Feedback forms are collected after each of the {activity} and summarised in a yearly report.",
    ),
    "cost_description": (
        "The yearly cost is about EUR {cost} thousand, mostly staff time.",
        "Costs are shared between the partners according to a written agreement.",
        "The main costs are training, venues and the coordinator's salary.",
    ),
    "assessment": (
        "The practice responds to a need identified by {audience} and by the partners.",
        "Working together, the partners contribute to keeping {city} a safe place to live, work and visit.",
        "The teams have an integrated approach and share their knowledge and skills with each other.",
        "Referrals from {audience} rose steadily after the first year.",
        "Practitioners report that {activity} are the most useful part of the practice.",
        "The practice reached {number} hundred {audience} in its first two years.",
        "Reported {harm} fell in the areas covered by the practice.",
        "Costs were kept low by using existing premises and volunteers.",
        "Sustainability is enhanced through training and seminars that transfer knowledge to the people involved.",
        "The work is supported by a small team of officers from the {partnership}.",
        "The practice involves residents, workers, businesses and visitors alike.",
        "Some groups were harder to reach, and outreach in their languages was added.",
        "The partners plan to extend the practice to {harm2} from {year2}.",
        "An annual review checks whether the practice still meets its objectives.",
        "The practice was designed with {audience}, who were consulted at each stage of its development.",
        "Officers attend meetings where invited, to give an update on local issues and to answer concerns.",
        "Staff turnover in some partner organisations slowed the work during the second year.",
    ),
}

REFERENCE_AUTHORS = (
    "{city} police",
    "{partnership}",
    "{city} City Council",
    "Ministry of the Interior",
    "European Crime Prevention Network",
    "{city} University, Department of Criminology",
)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
"""English month names: the catalogue's content (and its dates) is English."""

# Facet values outside the vocabularies, so that "unmapped" gets exercised.
UNMAPPED_FACET_VALUES: dict[str, tuple[str, ...]] = {
    "timeline": ("Seasonal", "Pilot phase"),
    "levels": ("Neighbourhood", "Cross-border"),
    "domains": ("Gang violence", "Football hooliganism", "Road safety"),
    "target_audiences": ("Elderly people", "Migrants", "Sports clubs"),
    "types": ("Restorative justice", "Situational prevention", "Street lighting"),
    "intervention_points": ("Aftercare", "Detection"),
    "costs": ("Very high", "Free"),
}
UNMAPPED_RATINGS = ("Highly rated", "Mixed", "Too early to say")

UNKNOWN_HEADINGS = ("Contact details", "Funding sources", "Lessons learned", "Project team")

RESOURCE_TITLES = (
    "Handbook on community policing and the prevention of radicalisation",
    "Toolkit for local prevention partnerships",
    "Guide to multi-agency work with young people at risk",
    "Manual on hate crime reporting for frontline officers",
)
RESOURCE_CATEGORIES = (
    "Community policing",
    "Radicalisation",
    "Youth",
    "Hate crime",
    "Training",
    "Partnerships",
)

# Facet values the catalogue uses most, by the local name of their concept in
# ``facets.ttl``: they are drawn often, the others rarely (as in the real pages).
COMMON_FACET_CONCEPTS: dict[str, tuple[str, ...]] = {
    "timeline": ("long-term-permanent",),
    "levels": ("local", "regional"),
    "domains": ("violent-extremism", "radicalisation", "juvenile-delinquency", "organised-crime"),
    "target_audiences": ("police-and-leas", "youth", "local-authorities", "educators"),
    "types": (
        "primary-prevention",
        "crime-prevention",
        "early-intervention",
        "multi-agency-cooperation",
    ),
    "intervention_points": ("prevention", "protection"),
    "costs": ("low", "medium"),
}
