"""Word lists the SYNTHETIC world is composed from. Every company, person and customer here is made up.

The simulated seller is "Lumora" (lumora.example), a fictional data platform that unifies product, revenue and
customer data; its buyers are data, engineering, IT and revenue-operations teams.
"""

SELLER = "Lumora"
SELLER_DOMAIN = "lumora.example"
SITE = "https://www." + SELLER_DOMAIN

# ----------------------------------------------------------------------------- geography
# country -> (share of accounts, region, [(zone, weight)], currency, tld, name pool)
COUNTRIES = {
    "United States": (40, "NA", [("America/New_York", 47), ("America/Chicago", 29), ("America/Denver", 7),
                                 ("America/Los_Angeles", 17)], "USD", "com", "anglo"),
    "Canada": (5, "NA", [("America/Toronto", 70), ("America/Vancouver", 30)], "CAD", "ca", "anglo"),
    "United Kingdom": (10, "EMEA", [("Europe/London", 1)], "GBP", "co.uk", "anglo"),
    "Ireland": (1.5, "EMEA", [("Europe/Dublin", 1)], "EUR", "ie", "anglo"),
    "Germany": (7, "EMEA", [("Europe/Berlin", 1)], "EUR", "de", "de"),
    "France": (4.5, "EMEA", [("Europe/Paris", 1)], "EUR", "fr", "fr"),
    "Netherlands": (3, "EMEA", [("Europe/Amsterdam", 1)], "EUR", "nl", "nl"),
    "Spain": (2, "EMEA", [("Europe/Madrid", 1)], "EUR", "es", "es"),
    "Italy": (1.5, "EMEA", [("Europe/Rome", 1)], "EUR", "it", "it"),
    "Sweden": (1.5, "EMEA", [("Europe/Stockholm", 1)], "SEK", "se", "nordic"),
    "Denmark": (1, "EMEA", [("Europe/Copenhagen", 1)], "DKK", "dk", "nordic"),
    "Switzerland": (1.2, "EMEA", [("Europe/Zurich", 1)], "CHF", "ch", "de"),
    "Poland": (1, "EMEA", [("Europe/Warsaw", 1)], "PLN", "pl", "pl"),
    "Israel": (1.3, "EMEA", [("Asia/Jerusalem", 1)], "ILS", "co.il", "il"),
    "United Arab Emirates": (0.8, "EMEA", [("Asia/Dubai", 1)], "AED", "ae", "anglo"),
    "South Africa": (0.8, "EMEA", [("Africa/Johannesburg", 1)], "ZAR", "co.za", "anglo"),
    "India": (4.5, "APAC", [("Asia/Kolkata", 1)], "INR", "in", "in"),
    "Australia": (3.5, "APAC", [("Australia/Sydney", 80), ("Australia/Perth", 20)], "AUD", "com.au", "anglo"),
    "New Zealand": (0.6, "APAC", [("Pacific/Auckland", 1)], "NZD", "co.nz", "anglo"),
    "Singapore": (1.6, "APAC", [("Asia/Singapore", 1)], "SGD", "sg", "sg"),
    "Japan": (1.6, "APAC", [("Asia/Tokyo", 1)], "JPY", "co.jp", "jp"),
    "Brazil": (2.5, "LATAM", [("America/Sao_Paulo", 1)], "BRL", "com.br", "br"),
    "Mexico": (1.5, "LATAM", [("America/Mexico_City", 1)], "MXN", "com.mx", "es"),
    "Argentina": (0.6, "LATAM", [("America/Argentina/Buenos_Aires", 1)], "ARS", "com.ar", "es"),
    "Colombia": (0.5, "LATAM", [("America/Bogota", 1)], "COP", "com.co", "es"),
    "Chile": (0.4, "LATAM", [("America/Santiago", 1)], "CLP", "cl", "es"),
}

# local currency per 1 USD (rounded, fixed: the world has no FX drift)
FX = {"USD": 1.0, "CAD": 1.36, "GBP": 0.79, "EUR": 0.92, "SEK": 10.5, "DKK": 6.9, "CHF": 0.88, "PLN": 4.0,
      "ILS": 3.7, "AED": 3.67, "ZAR": 18.5, "INR": 83.0, "AUD": 1.52, "NZD": 1.65, "SGD": 1.34, "JPY": 150.0,
      "BRL": 5.0, "MXN": 17.0, "ARS": 900.0, "COP": 3900.0, "CLP": 930.0}

LEGAL_SUFFIX = {
    "United States": ["Inc.", "LLC", "", "", "", "Corp."], "Canada": ["Inc.", "", "Ltd."],
    "United Kingdom": ["Ltd", "", "plc", "Ltd"], "Ireland": ["Ltd", ""], "Germany": ["GmbH", "AG", "GmbH", ""],
    "France": ["SAS", "SA", ""], "Netherlands": ["B.V.", ""], "Spain": ["S.L.", "S.A.", ""],
    "Italy": ["S.p.A.", "S.r.l.", ""],
    "Sweden": ["AB", ""], "Denmark": ["A/S", ""], "Switzerland": ["AG", "SA", ""], "Poland": ["Sp. z o.o.", ""],
    "Israel": ["Ltd.", ""], "India": ["Pvt. Ltd.", "Ltd.", ""], "Australia": ["Pty Ltd", ""],
    "New Zealand": ["Ltd", ""], "Singapore": ["Pte. Ltd.", ""], "Japan": ["K.K.", ""], "Brazil": ["Ltda.", "S.A.", ""],
    "Mexico": ["S.A. de C.V.", ""],
}

# ----------------------------------------------------------------------------- firmographics
INDUSTRIES = {  # industry -> (share, revenue per employee in USD (median), fit)
    "Software": (20, 230_000, 0.35), "Financial Services": (10, 420_000, 0.25), "Healthcare": (9, 160_000, 0.0),
    "Manufacturing": (10, 280_000, -0.05), "Retail & E-commerce": (8, 250_000, 0.15), "Education": (4, 90_000, -0.35),
    "Professional Services": (9, 170_000, 0.0), "Media & Entertainment": (5, 260_000, 0.05),
    "Telecommunications": (4, 380_000, 0.1), "Logistics & Transportation": (5, 240_000, 0.05),
    "Energy & Utilities": (3, 600_000, -0.1), "Government": (3, 120_000, -0.45), "Real Estate": (3, 300_000, -0.15),
    "Nonprofit": (2, 80_000, -0.5), "Travel & Hospitality": (3, 110_000, -0.1), "Insurance": (2, 450_000, 0.2),
}

# employee band -> (share of accounts, low, high, fit)
EMPLOYEE_BANDS = [
    ("1-10", 8, 2, 10, -0.8), ("11-50", 20, 11, 50, -0.3), ("51-200", 26, 51, 200, 0.1),
    ("201-1000", 24, 201, 1000, 0.4), ("1001-5000", 14, 1001, 5000, 0.3), ("5001+", 8, 5001, 120_000, -0.1),
]

# ----------------------------------------------------------------------------- people
FIRST = {
    "anglo": "James Mary Michael Jennifer Robert Linda David Sarah John Emily Daniel Jessica Matthew Ashley Chris "
             "Amanda Andrew Megan Ryan Lauren Kevin Rachel Brian Nicole Tyler Hannah Jason Olivia Eric Emma Justin "
             "Grace Nathan Chloe Sam Zoe Aaron Leah Marcus Jasmine Derek Kayla Liam Sophie Oliver Charlotte Jack "
             "Amelia Harry Isla Thomas Ella George Lucy Connor Aoife Sean Niamh Darnell Keisha Priya Mei Carlos Ana "
             "Omar Fatima",
    "de": "Lukas Anna Jonas Lea Felix Laura Maximilian Julia Leon Sophie Paul Hannah Tobias Katharina Jan Lisa Stefan "
          "Sabine Florian Miriam Matthias Johanna Sebastian Franziska Moritz Nina",
    "fr": "Lucas Camille Hugo Manon Louis Chloé Thomas Léa Antoine Inès Nicolas Julie Maxime Sarah Julien Clara "
          "Mathieu Élodie Pierre Margaux Théo Pauline",
    "es": "Alejandro Lucía Pablo María Javier Carmen Diego Sofía Daniel Paula Carlos Valentina Miguel Isabel Andrés "
          "Camila Jorge Elena Luis Gabriela Mateo Daniela",
    "nl": "Daan Emma Sem Julia Lars Sanne Bram Fleur Thijs Lotte Ruben Anouk Jesse Eva Niels Iris",
    "nordic": "Erik Astrid Lars Ingrid Magnus Freja Oskar Elin Nils Maja Henrik Sofie Mikkel Ida Anders Karin",
    "pl": "Jakub Zuzanna Kacper Julia Piotr Katarzyna Michał Agnieszka Tomasz Magdalena Paweł Aleksandra",
    "it": "Marco Giulia Luca Francesca Alessandro Chiara Matteo Sara Andrea Elena Davide Martina Lorenzo Valentina",
    "il": "Noam Maya Itai Noa Yonatan Shira Omer Tamar Eitan Yael Daniel Michal Amit Roni",
    "in": "Aarav Priya Rohan Ananya Arjun Neha Vikram Pooja Rahul Divya Siddharth Kavya Aditya Sneha Karan Meera "
          "Nikhil Shreya Varun Isha Sanjay Lakshmi",
    "sg": "Wei Ling Jun Hui Kai Xin Ming Ying Zhi Hao Shu Fen Ryan Rachel Marcus Cheryl Darren Felicia",
    "jp": "Haruto Yui Sota Hina Ren Aoi Yuto Sakura Kenji Yuki Takumi Mei Daiki Rina Hiroshi Akiko",
    "br": "Gabriel Ana Lucas Beatriz Pedro Mariana Rafael Larissa Gustavo Fernanda Felipe Camila Thiago Juliana "
          "Bruno Letícia",
}
LAST = {
    "anglo": "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson "
             "Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green Baker Adams "
             "Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart "
             "Murphy Cook Rogers Morgan Cooper Reed Bailey Kelly Howard Ward Cox Richardson Wood Watson Brooks "
             "Bennett Gray Hughes Price Sanders Patel Nguyen Kim Chen Garcia Rodriguez Lee O'Brien Walsh Byrne "
             "Fitzgerald Okafor Mensah Singh Khan",
    "de": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf "
          "Schröder Neumann Schwarz Braun Zimmermann Krüger Hartmann Lange Werner Krause",
    "fr": "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel "
          "Garcia David Bertrand Roux Vincent Fournier Morel Girard",
    "es": "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández "
          "Díaz Moreno Álvarez Romero Torres Navarro Ramírez Flores Castro",
    "nl": "Jansen Bakker Janssen Visser Smit Meijer Mulder Bos Vos Peters Hendriks Dekker Brouwer",
    "nordic": "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Jensen Nielsen Hansen "
              "Pedersen Lindqvist Berg Holm Lund",
    "pl": "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak",
    "it": "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De Luca",
    "il": "Cohen Levi Mizrahi Peretz Biton Friedman Katz Azoulay Shapiro Goldberg Ben-David Avraham",
    "in": "Sharma Verma Gupta Patel Reddy Iyer Nair Rao Menon Kumar Singh Joshi Mehta Desai Kulkarni Chatterjee "
          "Banerjee Kapoor Malhotra Pillai",
    "sg": "Tan Lim Lee Ng Ong Wong Goh Chua Chan Koh Teo Ang Yeo Tay Ho Low",
    "jp": "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki "
          "Yamaguchi Matsumoto Inoue",
    "br": "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro Martins Carvalho "
          "Almeida Lopes",
}
FIRST = {k: v.split() for k, v in FIRST.items()}
LAST = {k: v.split() for k, v in LAST.items()}
LAST["nl"] += ["de Jong", "de Vries", "van den Berg", "van Dijk", "de Boer", "de Groot"]

PERSONAL_DOMAINS = ["gmail.com", "gmail.com", "gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com",
                    "proton.me"]

# ----------------------------------------------------------------------------- titles
SENIORITY_SHARE = {"ic": 44, "manager": 25, "director": 15, "vp": 9, "c_level": 7}
DEPARTMENT_SHARE = {"engineering": 18, "data": 13, "it": 9, "product": 8, "sales": 12, "marketing": 11,
                    "operations": 9, "finance": 7, "hr": 5, "customer_success": 5}
# how well each department fits Lumora's buyer (added to the lead's fit)
DEPARTMENT_FIT = {"data": 0.6, "engineering": 0.3, "it": 0.3, "operations": 0.45, "product": 0.1, "sales": 0.0,
                  "marketing": -0.05, "finance": -0.2, "hr": -0.6, "customer_success": -0.1, "executive": 0.2,
                  "other": -0.8}
TARGET_DEPARTMENTS = {"data", "engineering", "it", "operations", "executive"}

TITLES = {
    ("ic", "engineering"): ["Software Engineer", "Senior Software Engineer", "Backend Engineer", "Staff Engineer",
                            "Platform Engineer", "DevOps Engineer", "Site Reliability Engineer", "Principal Engineer",
                            "Full Stack Developer", "Senior Backend Engineer"],
    ("ic", "data"): ["Data Analyst", "Senior Data Analyst", "Data Engineer", "Senior Data Engineer",
                     "Analytics Engineer", "Data Scientist", "BI Developer", "Machine Learning Engineer",
                     "Business Intelligence Analyst", "Lead Data Scientist"],
    ("ic", "it"): ["Systems Administrator", "IT Specialist", "Solutions Architect", "Cloud Architect",
                   "Database Administrator", "Enterprise Architect", "Security Engineer"],
    ("ic", "product"): ["Product Manager", "Senior Product Manager", "Product Analyst", "Product Designer",
                        "UX Researcher", "Technical Product Manager"],
    ("ic", "sales"): ["Account Executive", "Senior Account Executive", "Sales Development Representative",
                      "Business Development Representative", "Account Manager", "Solutions Consultant"],
    ("ic", "marketing"): ["Marketing Specialist", "Growth Marketer", "Demand Generation Specialist",
                          "Marketing Analyst", "SEO Specialist", "Content Strategist", "Product Marketing Manager"],
    ("ic", "operations"): ["Revenue Operations Analyst", "Sales Operations Analyst", "Business Operations Associate",
                           "Operations Analyst", "Marketing Operations Specialist", "RevOps Specialist"],
    ("ic", "finance"): ["Financial Analyst", "Senior Accountant", "FP&A Analyst", "Procurement Specialist",
                        "Senior Financial Analyst"],
    ("ic", "hr"): ["Recruiter", "HR Generalist", "Talent Acquisition Partner", "People Operations Specialist",
                   "HR Business Partner"],
    ("ic", "customer_success"): ["Customer Success Manager", "Support Engineer", "Implementation Specialist",
                                 "Technical Account Manager", "Onboarding Specialist"],
    ("manager", "engineering"): ["Engineering Manager", "Software Development Manager", "Senior Engineering Manager",
                                 "Platform Engineering Manager", "QA Manager"],
    ("manager", "data"): ["Data Engineering Manager", "Analytics Manager", "BI Manager", "Data Science Manager",
                          "Manager, Data Platform"],
    ("manager", "it"): ["IT Manager", "Infrastructure Manager", "IT Operations Manager", "Security Manager"],
    ("manager", "product"): ["Group Product Manager", "Product Lead", "Design Manager"],
    ("manager", "sales"): ["Sales Manager", "Regional Sales Manager", "Inside Sales Manager", "SDR Manager"],
    ("manager", "marketing"): ["Marketing Manager", "Demand Generation Manager", "Growth Manager",
                               "Digital Marketing Manager", "Field Marketing Manager"],
    ("manager", "operations"): ["Revenue Operations Manager", "Sales Operations Manager", "Operations Manager",
                                "Marketing Operations Manager", "Business Systems Manager"],
    ("manager", "finance"): ["Finance Manager", "Controller", "Accounting Manager", "Procurement Manager"],
    ("manager", "hr"): ["HR Manager", "Recruiting Manager", "People Operations Manager", "Talent Manager"],
    ("manager", "customer_success"): ["Customer Success Team Lead", "Support Manager",
                                      "Customer Success Manager, Enterprise"],
    ("director", "engineering"): ["Director of Engineering", "Head of Engineering", "Senior Director, Engineering",
                                  "Head of Platform"],
    ("director", "data"): ["Director of Data", "Head of Data", "Director of Analytics", "Head of BI",
                           "Head of Data Science", "Director, Data Engineering"],
    ("director", "it"): ["Director of IT", "Head of IT", "IT Director", "Head of Infrastructure"],
    ("director", "product"): ["Director of Product", "Head of Product", "Director, Product Management"],
    ("director", "sales"): ["Sales Director", "Head of Sales", "Director of Sales", "Regional Director"],
    ("director", "marketing"): ["Director of Marketing", "Head of Growth", "Head of Marketing",
                                "Director of Demand Generation"],
    ("director", "operations"): ["Head of RevOps", "Director of Revenue Operations", "Director of Sales Operations",
                                 "Head of Business Operations", "Director of Operations"],
    ("director", "finance"): ["Finance Director", "Head of Finance", "Director of FP&A"],
    ("director", "hr"): ["Head of People", "HR Director", "Director of Talent"],
    ("director", "customer_success"): ["Director of Customer Success", "Head of Customer Success", "Head of Support"],
    ("vp", "engineering"): ["VP of Engineering", "VP Engineering", "SVP, Engineering", "VP of Platform"],
    ("vp", "data"): ["VP of Data", "VP of Data & Analytics", "VP, Data Science"],
    ("vp", "it"): ["VP of IT", "VP, Technology", "VP of Infrastructure"],
    ("vp", "product"): ["VP of Product", "SVP Product"],
    ("vp", "sales"): ["VP of Sales", "SVP Sales", "VP, Global Sales", "VP of Business Development"],
    ("vp", "marketing"): ["VP of Marketing", "VP, Growth", "SVP Marketing"],
    ("vp", "operations"): ["VP of Revenue Operations", "VP of Operations", "VP, Business Operations"],
    ("vp", "finance"): ["VP of Finance", "VP, Finance & Accounting"],
    ("vp", "hr"): ["VP of People", "VP, Human Resources"],
    ("vp", "customer_success"): ["VP of Customer Success", "VP, Customer Experience"],
}
C_LEVEL = [("CTO", "engineering", 14), ("Chief Technology Officer", "engineering", 5),
           ("Chief Data Officer", "data", 6),
           ("CIO", "it", 6), ("Chief Information Officer", "it", 3), ("Chief Product Officer", "product", 4),
           ("Chief Revenue Officer", "sales", 5), ("CRO", "sales", 3), ("CMO", "marketing", 6),
           ("COO", "operations", 7), ("CFO", "finance", 8), ("Chief People Officer", "hr", 2),
           ("Chief Customer Officer", "customer_success", 2), ("CEO", "executive", 12),
           ("Founder & CEO", "executive", 8), ("Co-founder", "executive", 6), ("Managing Director", "executive", 4),
           ("President", "executive", 2)]
STUDENT_TITLES = ["Student", "Graduate Student", "MBA Candidate", "MSc Data Science Student", "Intern"]
CONSULTANT_TITLES = ["Independent Consultant", "Freelance Data Consultant", "Consultant", "Analytics Consultant"]

# ----------------------------------------------------------------------------- company names
NAME_ROOTS = ("Blue North Silver Bright Iron Clear Summit Harbor Pine Stone Red Cedar Atlas Nova Vertex Quant Lumen "
              "Orbit Apex Crest River Falcon Maple Granite Copper Sterling Ever True Swift Peak Bold Golden Oak Alder "
              "Birch Willow Sage Coral Ember Aurora Polar Tidal Prairie Canyon Meridian Beacon Horizon Keystone "
              "Pioneer Frontier Lattice Vector Zenith Nimbus Cobalt Onyx Sable Juniper Redwood Aspen Harvest Anchor "
              "Compass Signal Kinetic Fathom Lantern Trident Evergreen Highland Riverside Silverline Bluewater "
              "Northgate Westbrook Eastfield Southport Fairview Greenfield Lakeshore Brookside Hillcrest Stonebridge "
              "Clearwater Ironwood").split()
NAME_SUFFIX = ("wave line field point bridge stone works labs ly ify ex io era scale path gate forge mark view stack "
               "loop hub nest core grid base shift sight flow wise leaf").split()
INDUSTRY_NOUNS = {
    "Software": ["Software", "Labs", "Systems", "Technologies", "Analytics", "Cloud", "AI", "Data", "Digital", "Apps"],
    "Financial Services": ["Capital", "Financial", "Bank", "Partners", "Wealth", "Payments", "Credit", "Investments"],
    "Healthcare": ["Health", "Medical", "Clinics", "Therapeutics", "Care", "Diagnostics", "Biosciences"],
    "Manufacturing": ["Manufacturing", "Industries", "Components", "Machinery", "Materials", "Robotics", "Industrial"],
    "Retail & E-commerce": ["Retail", "Goods", "Outfitters", "Market", "Brands", "Home", "Supply Co."],
    "Education": ["Learning", "Academy", "Education", "Institute", "Schools"],
    "Professional Services": ["Consulting", "Advisory", "Group", "Partners", "Associates", "Solutions"],
    "Media & Entertainment": ["Media", "Studios", "Publishing", "Entertainment", "Records", "Games"],
    "Telecommunications": ["Telecom", "Networks", "Communications", "Mobile", "Connect"],
    "Logistics & Transportation": ["Logistics", "Freight", "Shipping", "Transport", "Supply Chain", "Mobility"],
    "Energy & Utilities": ["Energy", "Power", "Solar", "Renewables", "Utilities", "Grid"],
    "Government": ["Transit Authority", "Public Services", "County Services", "Water Board", "Development Agency"],
    "Real Estate": ["Properties", "Realty", "Estates", "Homes", "Living"],
    "Nonprofit": ["Foundation", "Trust", "Alliance", "Fund", "Society"],
    "Travel & Hospitality": ["Hotels", "Travel", "Hospitality", "Resorts", "Journeys"],
    "Insurance": ["Insurance", "Mutual", "Assurance", "Underwriters"],
}

# ----------------------------------------------------------------------------- funnel
SOURCES = {"organic_search": 24, "paid_search": 14, "referral": 7, "event": 8, "outbound": 22, "partner": 6,
           "webinar": 8, "content_download": 11}
INBOUND = {"organic_search", "paid_search", "webinar", "content_download"}
ORIGIN_BY_SOURCE = {
    "organic_search": [("web_form", 70), ("chat", 20), ("free_trial", 10)],
    "paid_search": [("web_form", 65), ("landing_page", 25), ("chat", 10)],
    "referral": [("manual", 60), ("web_form", 40)],
    "event": [("import", 90), ("manual", 10)],
    "outbound": [("import", 55), ("manual", 30), ("prospecting_tool", 15)],
    "partner": [("partner_portal", 75), ("manual", 25)],
    "webinar": [("webinar_registration", 90), ("import", 10)],
    "content_download": [("landing_page", 85), ("web_form", 15)],
}
FIRST_FORM = {"organic_search": [("contact_sales", 30), ("newsletter", 35), ("free_trial", 20), ("ebook_download", 15)],
              "paid_search": [("contact_sales", 35), ("free_trial", 25), ("ebook_download", 40)],
              "webinar": [("webinar_registration", 1)],
              "content_download": [("ebook_download", 50), ("whitepaper_download", 30), ("benchmark_report", 20)],
              "referral": [("contact_sales", 1)]}
OCCUPATIONS = ["working_professional", "student", "consultant", "business_owner"]

PAGES = ["home", "pricing", "docs", "case_study", "careers", "blog", "integrations"]
PAGE_SECONDS = {"home": 18, "pricing": 55, "docs": 85, "case_study": 110, "careers": 45, "blog": 95, "integrations": 40}
DOC_SLUGS = ["getting-started", "connectors/snowflake", "connectors/bigquery", "connectors/salesforce",
             "connectors/postgres", "api/authentication", "api/queries", "sql-reference", "security/sso",
             "security/data-residency", "deploy/kubernetes", "governance/row-level-security", "metrics-layer",
             "dbt-integration", "limits-and-quotas"]
BLOG_SLUGS = ["single-source-of-truth-for-revenue-data", "why-your-dashboards-disagree", "metrics-layer-explained",
              "reverse-etl-vs-data-activation", "data-contracts-in-practice", "forecasting-with-messy-crm-data",
              "the-cost-of-stale-pipelines", "how-we-cut-query-costs-by-40-percent", "revops-data-stack-2026",
              "a-practical-guide-to-data-governance", "event-tracking-plan-template", "churn-signals-in-product-data",
              "sql-patterns-for-funnel-analysis", "building-a-data-team-from-zero", "what-is-a-semantic-layer",
              "product-led-growth-metrics", "attribution-models-compared", "data-quality-checks-that-matter"]
CASE_STUDIES = ["northwind-logistics", "brightpath-health", "quantix-payments", "helio-retail", "cobalt-media",
                "summit-insurance", "verdant-energy", "atlas-freight", "meridian-bank", "orbitly", "pinecrest-schools",
                "kestrel-manufacturing"]
CAREERS = ["senior-backend-engineer", "account-executive-emea", "data-engineer", "product-designer",
           "customer-success-manager", "solutions-engineer", "sdr-north-america", "engineering-manager-platform"]
INTEGRATIONS = ["salesforce", "hubspot", "snowflake", "bigquery", "slack", "dbt", "segment", "zendesk", "stripe",
                "databricks", "redshift", "looker"]
REFERRERS = {"organic_search": "google", "paid_search": "google_ads", "referral": "direct", "event": "direct",
             "outbound": "email", "partner": "partner", "webinar": "email", "content_download": "linkedin"}

# ----------------------------------------------------------------------------- org
TEAMS = [("NA Enterprise", "NA", "ent"), ("NA Commercial", "NA", "com"), ("EMEA Enterprise", "EMEA", "ent"),
         ("EMEA Commercial", "EMEA", "com"), ("APAC", "APAC", "all"), ("LATAM", "LATAM", "all")]
REP_STYLES = {"listener": 20, "balanced": 30, "talker": 20, "interrupter": 15, "interrogator": 15}
REP_TITLES = ["Account Executive", "Senior Account Executive", "Account Executive", "Enterprise Account Executive"]
MANAGER_TITLES = ["Sales Manager", "Regional Sales Director", "Head of Sales"]
COMPETITORS = ["Dataloom", "Metricly", "Quantsight", "InsightForge", "Tablewise", "Pipelane"]
PEERS = ["Northwind Logistics", "BrightPath Health", "Quantix Payments", "Helio Retail", "Cobalt Media",
         "Summit Insurance", "Verdant Energy", "Atlas Freight", "Meridian Bank", "Orbitly", "Kestrel Manufacturing"]
PRODUCT_TIERS = [("Starter", 0), ("Growth", 1), ("Business", 2), ("Enterprise", 3)]
WEBINARS = ["Fixing the revenue data mess", "Metrics layers in practice", "From spreadsheets to a forecast you trust",
            "Data governance without the red tape", "Live demo: Lumora in 30 minutes"]
EVENTS = ["Data Council", "SaaStr Annual", "RevOps Summit", "Big Data London", "AWS Summit", "Gartner Data & Analytics"]
