//! Fixed word lists the generator draws from: fixed so that a seed always gives the same export.

/// An RSoft owner value as it appears on records, and the user's canonical email.
#[derive(Debug, Clone, Copy)]
pub(super) struct Owner {
    pub raw: &'static str,
    pub email: &'static str,
}

/// Owners still at the company, each written in a different form (email, name, `Name <EMAIL>`).
pub(super) const ACTIVE_OWNERS: [Owner; 4] = [
    Owner {
        raw: "ravi@acme.in",
        email: "ravi@acme.in",
    },
    Owner {
        raw: "Priya Sharma",
        email: "priya.sharma@acme.in",
    },
    Owner {
        raw: "Anil Mehta <ANIL.MEHTA@acme.in>",
        email: "anil.mehta@acme.in",
    },
    Owner {
        raw: "sneha.iyer@acme.in",
        email: "sneha.iyer@acme.in",
    },
];

/// The RSoft user who left: he owns a few records but will have no Nutshell user.
pub(super) const LEFT_OWNER: Owner = Owner {
    raw: "Deepak Rao",
    email: "deepak.rao@acme.in",
};

/// Users file rows: User ID, Name, Email, Role, Status.
pub(super) const USERS: [[&str; 5]; 5] = [
    ["USR-01", "Ravi Kumar", "ravi@acme.in", "Admin", "Active"],
    [
        "USR-02",
        "Priya Sharma",
        "priya.sharma@acme.in",
        "Sales Manager",
        "Active",
    ],
    [
        "USR-03",
        "Anil Mehta",
        "anil.mehta@acme.in",
        "Sales Executive",
        "Active",
    ],
    [
        "USR-04",
        "Sneha Iyer",
        "sneha.iyer@acme.in",
        "Support Agent",
        "Active",
    ],
    [
        "USR-05",
        "Deepak Rao",
        "deepak.rao@acme.in",
        "Sales Executive",
        "Inactive",
    ],
];

/// A pipeline and its stages with their win probability.
pub(super) struct Pipeline {
    pub name: &'static str,
    pub stages: &'static [(&'static str, u8)],
}

pub(super) const PIPELINES: [Pipeline; 2] = [
    Pipeline {
        name: "Sales",
        stages: &[
            ("Prospecting", 10),
            ("Qualification", 25),
            ("Proposal", 50),
            ("Negotiation", 75),
            ("Won", 100),
            ("Lost", 0),
        ],
    },
    Pipeline {
        name: "Channel Partners",
        stages: &[
            ("Enquiry", 10),
            ("Evaluation", 30),
            ("Agreement", 60),
            ("Onboarded", 100),
            ("Dropped", 0),
        ],
    },
];

/// Stage names that close a deal as won or lost.
pub(super) const WON_STAGES: [&str; 2] = ["Won", "Onboarded"];
pub(super) const LOST_STAGES: [&str; 2] = ["Lost", "Dropped"];

/// Custom field definitions: Module, Field Name, Field Type, Options, Required.
pub(super) const CUSTOM_FIELDS: [[&str; 5]; 9] = [
    ["Companies", "GST Number", "Text", "", "No"],
    ["Companies", "Annual Turnover", "Currency", "", "No"],
    ["Contacts", "GST Number", "Text", "", "No"],
    ["Contacts", "PAN", "Text", "", "No"],
    [
        "Contacts",
        "Region",
        "Dropdown",
        "North;South;East;West;Central",
        "Yes",
    ],
    [
        "Contacts",
        "Customer Type",
        "Dropdown",
        "Retail;Wholesale;Distributor;OEM",
        "No",
    ],
    ["Contacts", "Referral Code", "Text", "", "No"],
    [
        "Contacts",
        "Preferred Language",
        "Dropdown",
        "English;Hindi;Tamil;Marathi;Kannada;Telugu;Bengali;Gujarati;Malayalam",
        "No",
    ],
    [
        "Deals",
        "Region",
        "Dropdown",
        "North;South;East;West;Central",
        "No",
    ],
];

/// Workflows file rows: Workflow ID, Workflow Name, Module, Trigger, Conditions, Actions, Status.
pub(super) const WORKFLOWS: [[&str; 7]; 4] = [
    [
        "WF-01",
        "New lead auto-assign",
        "Leads",
        "Lead created",
        "Source is IndiaMART or Website",
        "Assign round-robin to Priya Sharma, Anil Mehta; send welcome SMS",
        "Active",
    ],
    [
        "WF-02",
        "Deal won → send invoice email",
        "Deals",
        "Stage changed",
        "Stage = Won",
        "Send email template \"Proforma Invoice\" to contact; notify ravi@acme.in",
        "Active",
    ],
    [
        "WF-03",
        "Ticket SLA escalation",
        "Tickets",
        "Ticket not updated for 24 hours",
        "Priority is High or Urgent",
        "Reassign to Ravi Kumar; send WhatsApp alert to assignee",
        "Active",
    ],
    [
        "WF-04",
        "Missed IVR call → create lead",
        "Leads",
        "IVR missed call",
        "Caller number not found in Contacts",
        "Create lead with Source = IVR; assign to Sneha Iyer",
        "Inactive",
    ],
];

/// A city with its state, STD code, PIN prefix, GST state code and sales region.
pub(super) struct City {
    pub name: &'static str,
    pub state: &'static str,
    pub std_code: &'static str,
    pub pin_prefix: &'static str,
    pub gst_state: &'static str,
    pub region: &'static str,
    pub language: &'static str,
}

pub(super) const CITIES: [City; 15] = [
    city(
        "Mumbai",
        "Maharashtra",
        "022",
        "400",
        "27",
        "West",
        "Marathi",
    ),
    city("Pune", "Maharashtra", "020", "411", "27", "West", "Marathi"),
    city(
        "Bengaluru",
        "Karnataka",
        "080",
        "560",
        "29",
        "South",
        "Kannada",
    ),
    city(
        "Chennai",
        "Tamil Nadu",
        "044",
        "600",
        "33",
        "South",
        "Tamil",
    ),
    city(
        "Hyderabad",
        "Telangana",
        "040",
        "500",
        "36",
        "South",
        "Telugu",
    ),
    city("New Delhi", "Delhi", "011", "110", "07", "North", "Hindi"),
    city(
        "Ahmedabad",
        "Gujarat",
        "079",
        "380",
        "24",
        "West",
        "Gujarati",
    ),
    city(
        "Kolkata",
        "West Bengal",
        "033",
        "700",
        "19",
        "East",
        "Bengali",
    ),
    city("Jaipur", "Rajasthan", "0141", "302", "08", "North", "Hindi"),
    city("Kochi", "Kerala", "0484", "682", "32", "South", "Malayalam"),
    city(
        "Coimbatore",
        "Tamil Nadu",
        "0422",
        "641",
        "33",
        "South",
        "Tamil",
    ),
    city(
        "Indore",
        "Madhya Pradesh",
        "0731",
        "452",
        "23",
        "Central",
        "Hindi",
    ),
    city(
        "Lucknow",
        "Uttar Pradesh",
        "0522",
        "226",
        "09",
        "North",
        "Hindi",
    ),
    city("Surat", "Gujarat", "0261", "395", "24", "West", "Gujarati"),
    city(
        "Nagpur",
        "Maharashtra",
        "0712",
        "440",
        "27",
        "Central",
        "Marathi",
    ),
];

const fn city(
    name: &'static str,
    state: &'static str,
    std_code: &'static str,
    pin_prefix: &'static str,
    gst_state: &'static str,
    region: &'static str,
    language: &'static str,
) -> City {
    City {
        name,
        state,
        std_code,
        pin_prefix,
        gst_state,
        region,
        language,
    }
}

/// First words of generated company names.
pub(super) const BRANDS: [&str; 30] = [
    "Kaveri",
    "Bluestone",
    "Lakshmi",
    "Shree Ganesh",
    "Deccan",
    "Narmada",
    "Himalaya",
    "Coastal",
    "Sai Krupa",
    "Patel",
    "Reddy",
    "Nair",
    "Vasudha",
    "Sunrise",
    "Trident",
    "Indus",
    "Kohinoor",
    "Saffron",
    "Green Valley",
    "Annapurna",
    "Mahalaxmi",
    "Orion",
    "Aravali",
    "Sahyadri",
    "Ganga",
    "Vijay",
    "Royal",
    "Prakash",
    "Tulsi",
    "Navratna",
];

/// Trades (second words of company names) and the industry each belongs to.
pub(super) const TRADES: [(&str, &str); 20] = [
    ("Textiles", "Textiles & Apparel"),
    ("Agro Exports", "Agriculture"),
    ("Logistics", "Transport & Logistics"),
    ("Pharma", "Pharmaceuticals"),
    ("Steel Traders", "Metals"),
    ("Infotech", "IT Services"),
    ("Builders", "Real Estate"),
    ("Foods", "Food & Beverage"),
    ("Auto Parts", "Automotive"),
    ("Electricals", "Electrical Equipment"),
    ("Packaging", "Packaging"),
    ("Chemicals", "Chemicals"),
    ("Jewellers", "Retail"),
    ("Motors", "Automotive"),
    ("Healthcare", "Healthcare"),
    ("Solar Systems", "Renewable Energy"),
    ("Ceramics", "Building Materials"),
    ("Paper Mills", "Manufacturing"),
    ("Spices", "Food & Beverage"),
    ("Tours & Travels", "Travel"),
];

pub(super) const COMPANY_SUFFIXES: [&str; 6] = [
    "Pvt. Ltd.",
    "Pvt Ltd",
    "LLP",
    "Ltd.",
    "Enterprises",
    "& Co.",
];

pub(super) const FIRST_NAMES: [&str; 40] = [
    "Aarav", "Vivaan", "Aditya", "Arjun", "Rohan", "Karthik", "Suresh", "Ramesh", "Manoj",
    "Vikram", "Rahul", "Sanjay", "Imran", "Farhan", "Joseph", "Harpreet", "Gaurav", "Nitin",
    "Prakash", "Venkat", "Ananya", "Diya", "Kavya", "Meera", "Pooja", "Lakshmi", "Divya", "Neha",
    "Shreya", "Fatima", "Nisha", "Anjali", "Swati", "Deepa", "Revathi", "Simran", "Aisha",
    "Priyanka", "Tanvi", "Bhavna",
];

pub(super) const LAST_NAMES: [&str; 30] = [
    "Patel",
    "Reddy",
    "Nair",
    "Iyer",
    "Menon",
    "Gupta",
    "Agarwal",
    "Joshi",
    "Kulkarni",
    "Desai",
    "Chatterjee",
    "Banerjee",
    "Das",
    "Singh",
    "Khan",
    "Fernandes",
    "D'Souza",
    "Pillai",
    "Rao",
    "Verma",
    "Mishra",
    "Shetty",
    "Bhat",
    "Chauhan",
    "Malhotra",
    "Kapoor",
    "Naidu",
    "Hegde",
    "Shah",
    "Mehta",
];

pub(super) const DESIGNATIONS: [&str; 10] = [
    "Proprietor",
    "Director",
    "Managing Director",
    "Purchase Manager",
    "Accounts Head",
    "Operations Manager",
    "CEO",
    "Procurement Executive",
    "General Manager",
    "Partner",
];

pub(super) const LIFECYCLE_STAGES: [&str; 5] = [
    "Subscriber",
    "Lead",
    "Opportunity",
    "Customer",
    "Evangelist",
];

pub(super) const CUSTOMER_TYPES: [&str; 4] = ["Retail", "Wholesale", "Distributor", "OEM"];

/// Tag cells, deliberately mixing `,` and `;` as separators.
pub(super) const TAG_CELLS: [&str; 10] = [
    "",
    "vip",
    "hot, diwali-offer",
    "bulk order;repeat",
    "export",
    "gst-registered; msme",
    "",
    "follow-up, price-sensitive",
    "key account",
    "",
];

pub(super) const LEAD_SOURCES: [&str; 5] =
    ["Website", "Referral", "IndiaMART", "Trade Show", "Walk-in"];

/// Lead statuses drawn for leads that are not deliberately converted.
pub(super) const OPEN_LEAD_STATUSES: [&str; 4] = ["New", "Contacted", "Qualified", "Lost"];

pub(super) const DEAL_PRODUCTS: [&str; 10] = [
    "Annual maintenance contract",
    "500 units packaging film",
    "Solar rooftop 25 kW",
    "ERP implementation",
    "Distributor agreement",
    "Bulk order - Q3",
    "Warehouse racking",
    "Fleet tracking devices",
    "Office interiors",
    "Export consignment",
];

/// Activity types with the subject RSoft gives such an activity.
pub(super) const ACTIVITY_TYPES: [(&str, &str); 6] = [
    ("Call", "Follow-up call"),
    ("Email", "Quotation sent"),
    ("Meeting", "Meeting at client office"),
    ("SMS", "Payment reminder"),
    ("WhatsApp", "Catalogue shared on WhatsApp"),
    ("Note", "Internal note"),
];

pub(super) const ACTIVITY_STATUSES: [&str; 3] = ["Completed", "Planned", "Cancelled"];

/// Activity descriptions: some span lines, some carry commas and quotes.
pub(super) const ACTIVITY_NOTES: [&str; 6] = [
    "Discussed pricing for 500 units.\nCustomer asked for 5% discount, wants delivery before Diwali.",
    "Sent quotation with GST breakup",
    "Customer said \"call after the 15th\", busy with audit",
    "Visited the factory.\nMet purchase team, shared samples.\nNext step: revised quote",
    "Payment reminder for invoice INV-2231",
    "No answer, left voicemail",
];

pub(super) const RELATED_MODULES: [&str; 4] = ["Contact", "Company", "Lead", "Deal"];

pub(super) const TICKET_SUBJECTS: [&str; 10] = [
    "Invoice amount mismatch",
    "Delivery delayed",
    "भुगतान अपडेट नहीं हुआ / Payment not updated",
    "Request for GST invoice copy",
    "Damaged goods received",
    "Login issue on dealer portal",
    "Change billing address",
    "Warranty claim",
    "Wrong item shipped",
    "Refund status",
];

pub(super) const TICKET_STATUSES: [&str; 4] = ["Open", "In Progress", "Resolved", "Closed"];
pub(super) const TICKET_PRIORITIES: [&str; 4] = ["Low", "Medium", "High", "Urgent"];
pub(super) const TICKET_CHANNELS: [&str; 5] = ["email", "web", "phone", "chat", "social"];

/// Customer-side message bodies; `{name}` is the sender's first name.
pub(super) const CUSTOMER_BODIES: [&str; 4] = [
    "Hi,\nMy invoice shows ₹ 12,500 but I paid ₹ 10,000. Please check.\nRegards,\n{name}",
    "Any update? It has been 3 days, please revert",
    "Thanks, received. But the \"final\" copy still has the old address",
    "Please call me on my mobile, not the office line",
];

/// Agent-side message bodies.
pub(super) const AGENT_BODIES: [&str; 3] = [
    "Dear Sir/Madam,\nWe have raised this with accounts. Expect an update in 48 hours.\nTeam Acme",
    "Resolved, please confirm",
    "Noted, we will arrange a replacement, free of cost",
];

pub(super) const STREETS: [&str; 10] = [
    "MG Road",
    "Linking Road, Bandra West",
    "Anna Salai",
    "Brigade Road",
    "SG Highway",
    "Park Street",
    "Civil Lines",
    "Station Road",
    "MIDC Industrial Area, Phase II",
    "Nehru Nagar",
];

/// Companies with fixed names at fixed positions of every block: position, name, trade, city.
/// Positions 0/7 and 4/15 are the deliberate duplicates; 1, 10 and 19 carry Windows-1252 letters.
pub(super) const NAMED_COMPANIES: [(u64, &str, usize, usize); 7] = [
    (0, "Sharma Textiles Pvt. Ltd.", 0, 0),
    (1, "Café Madras Foods", 7, 3),
    (4, "Gupta & Sons", 4, 5),
    (7, "SHARMA TEXTILES PVT LTD", 0, 0),
    (10, "D’Souza Interiors", 6, 0),
    (15, "Gupta & Sons", 4, 5),
    (19, "Crème Bakers & Confectioners", 7, 1),
];
