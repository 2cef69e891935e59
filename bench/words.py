"""Word lists for the benchmark corpus: syllables, name parts, places, topics and outlets."""

from __future__ import annotations

SYLLABLES = ("kal", "den", "nor", "vik", "ta", "ro", "mi", "sen", "bra", "lo", "zen", "ver", "da",
             "qua", "fel", "tor", "an", "mar", "sol", "vex", "ri", "ka", "po", "lin", "dar", "gen",
             "hal", "is", "ju", "mo", "bel", "cor", "dra", "el", "fa", "gor", "hel", "ix", "lun",
             "nes", "ol", "pra", "quin", "rus", "sta", "tre", "ul", "vor", "wen", "yar")

COMPANY_SUFFIXES = ("Motors", "Energy", "Logistics", "Foods", "Steel", "Chemicals", "Semiconductors",
                    "Batteries", "Robotics", "Shipping", "Pharma", "Textiles", "Aerospace", "Solar",
                    "Mining", "Telecom", "Cement", "Paper", "Glassworks", "Machinery")

# Chinese company names: two syllables (character, pinyin) and an industry (characters, English).
HAN_SYLLABLES = (("华", "Hua"), ("新", "Xin"), ("中", "Zhong"), ("东", "Dong"), ("远", "Yuan"),
                 ("海", "Hai"), ("天", "Tian"), ("长", "Chang"), ("金", "Jin"), ("光", "Guang"),
                 ("宏", "Hong"), ("恒", "Heng"), ("安", "An"), ("博", "Bo"), ("瑞", "Rui"), ("泰", "Tai"))
HAN_INDUSTRIES = (("能源", "Energy"), ("汽车", "Auto"), ("电子", "Electronics"), ("科技", "Technology"),
                  ("物流", "Logistics"), ("钢铁", "Steel"), ("化工", "Chemicals"), ("电池", "Battery"))

CYRILLIC = {"a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
            "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р",
            "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс", "y": "ы", "z": "з"}
CYRILLIC_SUFFIXES = (("Энерго", "Energo"), ("Авто", "Avto"), ("Транс", "Trans"), ("Хим", "Khim"),
                     ("Сталь", "Stal"))

ACCENTS = {"a": "á", "e": "é", "o": "ö", "u": "ü", "i": "í"}
ACCENTED_SUFFIXES = ("Énergie", "Électronique", "Hüttenwerke", "Compañía Minera", "Søfart", "Çimento")

FIRST_NAMES = ("Anna", "Ben", "Clara", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
               "Karin", "Liam", "Maya", "Nikolai", "Olivia", "Pablo", "Quentin", "Rosa", "Samir",
               "Tessa", "Umar", "Vera", "William", "Ximena", "Yusuf", "Zoë", "José", "François",
               "Søren", "Łucja", "Ángel", "Björn", "Chloé", "Dagný", "Émile", "Gül")
HAN_SURNAMES = (("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
                ("杨", "Yang"), ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"))
HAN_GIVEN = (("伟", "Wei"), ("芳", "Fang"), ("磊", "Lei"), ("静", "Jing"), ("敏", "Min"),
             ("勇", "Yong"), ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"),
             ("秀英", "Xiuying"), ("建国", "Jianguo"), ("强", "Qiang"), ("平", "Ping"), ("桂英", "Guiying"))
RU_FIRST = (("Ольга", "Olga"), ("Иван", "Ivan"), ("Дмитрий", "Dmitry"), ("Анна", "Anna"),
            ("Сергей", "Sergei"), ("Мария", "Maria"), ("Алексей", "Alexei"), ("Наталья", "Natalya"))

PLACE_SUFFIXES = ("Valley", "Bay", "Heights", "Harbour", "Springs", "Ford", "Point", "District")
HAN_PLACE_TYPES = (("经济区", "Economic Zone"), ("高新区", "High-Tech Zone"), ("新城", "New Town"))
FACILITIES = ("plant", "battery park", "logistics hub", "research centre", "gigafactory", "smelter",
              "assembly works", "distribution centre", "test track", "headquarters campus")

EVENT_TYPES = (("agreement", "deal signing"), ("opening", "opening"), ("groundbreaking", "groundbreaking"),
               ("expansion", "expansion"), ("announcement", "announcement"), ("investment", "investment round"),
               ("recall", "recall"), ("strike", "strike"), ("merger", "merger talks"), ("layoffs", "job cuts"))
SUMMITS = ("Industry Summit", "Mobility Expo", "Energy Forum", "Investor Day", "Trade Fair", "Supply Chain Congress")

TOPIC_HEADS = ("battery", "steel", "port", "solar", "chip", "freight", "hydrogen", "mining", "textile",
               "pharma", "rail", "wind", "cement", "paper", "robot", "aviation", "grid", "water",
               "fertiliser", "glass", "copper", "lithium", "shipping", "software", "food")
TOPIC_TAILS = ("prices", "supply", "jobs", "exports", "subsidies", "safety", "strikes", "recycling",
               "investment", "regulation", "emissions", "capacity", "tariffs", "research", "demand",
               "mergers", "wages", "logistics", "startups", "imports", "planning", "training",
               "automation", "finance", "permits")
SPECIAL_TAGS = ("électrification", "энергетика", "新能源", "Zoë's picks")

OUTLETS = ("Daily Wire Service", "Harbour Courier", "The Ledger", "Industry Weekly", "Kalden Post",
           "Morning Register", "Trade Journal", "Regional Times")

CAPACITY_UNITS = (("vehicles", "vehicles a year"), ("tonnes", "tonnes a year"), ("GWh", "GWh a year"),
                  ("containers", "containers a year"))
CURRENCIES = ("USD", "EUR", "CNY")
STAGES = ("planning", "construction", "trial production", "full production", "on hold")
POSITIONS = ("chief executive", "finance director", "plant manager", "founder", "chair")

# Filler prose: {c} company, {s} site, {p} person, {k} city, {n} a number, {y} a year, {t} topic.
FILLER = (
    "Analysts said the move reflects a wider push by {c} to secure supply for the next decade.",
    "Officials in {k} have spent {n} years courting manufacturers with land and tax breaks.",
    "The company did not say how many of the new jobs would go to local residents.",
    "Shares in {c} rose {n} percent in early trading after the news was reported.",
    "Local suppliers expect orders to pick up once the first lines are running.",
    "{p} told reporters that the timetable was ambitious but realistic.",
    "The project has drawn criticism from residents worried about traffic and water use.",
    "Industry groups said the decision would put pressure on rivals to follow.",
    "The region has seen several similar projects announced since {y}, not all of them completed.",
    "A spokesperson for {c} declined to comment on the financial terms.",
    "Demand for {t} has been volatile, and prices fell sharply in {y}.",
    "Construction crews were already clearing parts of the site at {s}, according to people nearby.",
    "The council said it would publish an environmental review before the end of the year.",
    "Union representatives welcomed the investment but asked for guarantees on wages.",
    "Previous plans for the site were shelved in {y} after financing fell through.",
    "The agreement still needs the approval of regulators in {k}.",
    "Economists caution that headline figures often overstate the jobs that materialise.",
    "{c} has been expanding abroad while trimming costs at home.",
    "People familiar with the talks said the final terms were agreed only last week.",
    "The company plans to train several hundred technicians at a local college.",
    "Transport links to {s} will be upgraded, with a new freight spur due by {y}.",
    "Competitors have announced {n} comparable projects in the past two years.",
    "The figures could not be independently verified.",
    "Energy costs remain the largest uncertainty for heavy industry in the region.",
    "{p} said the board had considered three other locations before choosing {k}.",
    "Environmental groups said they would study the permit application closely.",
    "Earlier reports had put the total cost at a much lower figure.",
    "The city expects tax revenue from the project to fund new schools and roads.",
)
HEADINGS = ("Background", "What happens next", "The local economy", "Reaction", "The numbers")
