//! The language's vocabulary: block kinds, their properties, the types of
//! values, and what each means. The analysis checks against it; hovers and
//! completions read their documentation from it.

/// A kind of block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockKind {
    Leader,
    Initiative,
    Team,
    DependsOn,
}

impl BlockKind {
    pub const ALL: [BlockKind; 4] = [
        BlockKind::Leader,
        BlockKind::Initiative,
        BlockKind::Team,
        BlockKind::DependsOn,
    ];

    pub fn keyword(self) -> &'static str {
        self.spec().keyword
    }

    pub fn from_keyword(s: &str) -> Option<BlockKind> {
        Self::ALL.into_iter().find(|k| k.keyword() == s)
    }

    pub fn spec(self) -> &'static BlockSpec {
        match self {
            BlockKind::Leader => &LEADER,
            BlockKind::Initiative => &INITIATIVE,
            BlockKind::Team => &TEAM,
            BlockKind::DependsOn => &DEPENDS_ON,
        }
    }

    /// Kinds that may stand at the top of a file.
    pub fn top_level() -> impl Iterator<Item = BlockKind> {
        Self::ALL.into_iter().filter(|k| k.spec().top_level)
    }
}

/// What a property's values must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// One string.
    Str,
    /// One or more strings.
    Strings,
    Bool,
    /// A percentage from 0% to 100%.
    Percent,
    /// A whole number, zero or more.
    Count,
    /// One of a fixed set of names.
    Enum(&'static [EnumValue]),
    /// One leader.
    Leader,
    /// One or more teams.
    Teams,
    /// One team or leader.
    Owner,
    /// One or more leaders or teams.
    Approvers,
    /// One or more roles (names).
    Roles,
}

impl ValueType {
    pub fn many(self) -> bool {
        matches!(
            self,
            ValueType::Strings | ValueType::Teams | ValueType::Approvers | ValueType::Roles
        )
    }

    /// Whether a value written as `kind` is a good value of this type: what
    /// the `invalid-value` rule does not report, and what the model reads.
    pub fn accepts(self, kind: &crate::syntax::ValueKind) -> bool {
        use crate::syntax::ValueKind as K;
        match (self, kind) {
            (ValueType::Str | ValueType::Strings, K::Str(_)) => true,
            (ValueType::Bool, K::Bool(_)) => true,
            (ValueType::Percent, K::Percent(x)) => (0.0..=100.0).contains(x),
            (ValueType::Count, K::Number(x)) => *x >= 0.0 && x.fract() == 0.0,
            (ValueType::Enum(values), K::Ident(name)) => values.iter().any(|e| e.name == name),
            (
                ValueType::Leader
                | ValueType::Teams
                | ValueType::Owner
                | ValueType::Approvers
                | ValueType::Roles,
                K::Ident(_),
            ) => true,
            _ => false,
        }
    }

    /// How the expected value is called in messages.
    pub fn describe(self) -> &'static str {
        match self {
            ValueType::Str => "a string",
            ValueType::Strings => "one or more strings",
            ValueType::Bool => "`true` or `false`",
            ValueType::Percent => "a percentage such as `100%`",
            ValueType::Count => "a whole number",
            ValueType::Enum(_) => "one of the listed names",
            ValueType::Leader => "a leader's id",
            ValueType::Teams => "one or more team ids",
            ValueType::Owner => "a team's or a leader's id",
            ValueType::Approvers => "one or more leader or team ids",
            ValueType::Roles => "one or more role names",
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct EnumValue {
    pub name: &'static str,
    pub doc: &'static str,
}

#[derive(Debug)]
pub struct PropertySpec {
    pub name: &'static str,
    pub ty: ValueType,
    pub doc: &'static str,
    /// Text to insert after `name: ` in a new block's snippet, if the
    /// property belongs in one.
    pub snippet: Option<&'static str>,
}

#[derive(Debug)]
pub struct BlockSpec {
    pub kind_name: &'static str,
    pub keyword: &'static str,
    pub top_level: bool,
    /// Whether a display title (`"Jane Doe"`) follows the id.
    pub titled: bool,
    pub doc: &'static str,
    pub properties: &'static [PropertySpec],
    pub children: &'static [BlockKind],
}

impl BlockSpec {
    pub fn property(&self, name: &str) -> Option<&'static PropertySpec> {
        self.properties.iter().find(|p| p.name == name)
    }
}

pub const MODELS: &[EnumValue] = &[
    EnumValue {
        name: "ownership",
        doc: "Single-threaded ownership (STO): the leader holds every resource the initiative needs, and the teams on it report to the leader. Suits ongoing product work that needs end-to-end ownership, such as launching a new programme.",
    },
    EnumValue {
        name: "leadership",
        doc: "Single-threaded leadership (STL): people stay in their functional reporting lines; the leader sets priorities and the roadmap and runs the communication across teams, without owning the resources. Suits company-wide work that touches many teams, such as a regulatory programme.",
    },
];

/// Roles the language knows and offers; a team may name others too.
pub const KNOWN_ROLES: &[EnumValue] = &[
    EnumValue {
        name: "engineering",
        doc: "Software engineers who build and run what the team ships.",
    },
    EnumValue {
        name: "qa",
        doc: "Quality assurance: testing and the quality bar.",
    },
    EnumValue {
        name: "design",
        doc: "Customer-experience design.",
    },
    EnumValue {
        name: "product",
        doc: "Product management: what to build and why.",
    },
    EnumValue {
        name: "data",
        doc: "Data science and analytics.",
    },
    EnumValue {
        name: "operations",
        doc: "Operations and on-call.",
    },
    EnumValue {
        name: "security",
        doc: "Security engineering.",
    },
    EnumValue {
        name: "research",
        doc: "User or applied research.",
    },
];

pub static LEADER: BlockSpec = BlockSpec {
    kind_name: "leader",
    keyword: "leader",
    top_level: true,
    titled: true,
    doc: "A person who can lead an initiative. A single-threaded leader leads one initiative and nothing else.",
    properties: &[
        PropertySpec { name: "title", ty: ValueType::Str, doc: "The leader's job title.", snippet: Some("\"${2:Job title}\"") },
        PropertySpec { name: "allocation", ty: ValueType::Percent, doc: "How much of the leader's time goes to what they lead; below `100%` makes them a part-time leader. Defaults to `100%`.", snippet: Some("${3:100%}") },
        PropertySpec { name: "duties", ty: ValueType::Strings, doc: "Other duties the leader carries beside what they lead; any duty makes them part-time.", snippet: None },
        PropertySpec { name: "reports_to", ty: ValueType::Leader, doc: "The leader this leader reports to.", snippet: None },
    ],
    children: &[],
};

pub static INITIATIVE: BlockSpec = BlockSpec {
    kind_name: "initiative",
    keyword: "initiative",
    top_level: true,
    titled: true,
    doc: "A business problem with one leader wholly dedicated to it and the separable teams that deliver it.",
    properties: &[
        PropertySpec { name: "leader", ty: ValueType::Leader, doc: "The single-threaded leader: the one person accountable end to end.", snippet: Some("${2:leader}") },
        PropertySpec { name: "model", ty: ValueType::Enum(MODELS), doc: "`ownership` (STO: the leader controls all resources, every team reports to them) or `leadership` (STL: functional reporting lines stay; the leader drives priorities across them).", snippet: Some("${3|ownership,leadership|}") },
        PropertySpec { name: "critical", ty: ValueType::Bool, doc: "Whether the initiative is critical to the business; a part-time leader on a critical initiative is an error.", snippet: None },
        PropertySpec { name: "scope", ty: ValueType::Str, doc: "The bounded context: what the leader owns, and what they do not.", snippet: Some("\"${4:bounded context}\"") },
        PropertySpec { name: "metrics", ty: ValueType::Strings, doc: "How success is measured; instrument before you innovate.", snippet: Some("\"${5:metric}\"") },
        PropertySpec { name: "teams", ty: ValueType::Teams, doc: "The separable, single-threaded teams that deliver the initiative.", snippet: Some("${6:team}") },
        PropertySpec { name: "approvals", ty: ValueType::Approvers, doc: "Who must sign off before work ships. One approver inside the initiative is healthy; more than one is layered review, an outsider is an external approval.", snippet: None },
        PropertySpec { name: "description", ty: ValueType::Str, doc: "Free text about the initiative.", snippet: None },
    ],
    children: &[],
};

pub static TEAM: BlockSpec = BlockSpec {
    kind_name: "team",
    keyword: "team",
    top_level: true,
    titled: true,
    doc: "A team that should be separable and single-threaded: on one initiative, with every role it needs, owning its dependencies.",
    properties: &[
        PropertySpec { name: "reports_to", ty: ValueType::Leader, doc: "The leader the team reports to.", snippet: Some("${2:leader}") },
        PropertySpec { name: "roles", ty: ValueType::Roles, doc: "The roles on the team; a separable team has every role it needs to deliver alone (by default engineering, qa, design and product).", snippet: Some("${3:engineering, qa, design, product}") },
        PropertySpec { name: "functional", ty: ValueType::Bool, doc: "`true` for a team organised by function (legal, sales, finance …): the single-threaded rules do not apply to it.", snippet: None },
        PropertySpec { name: "approvals", ty: ValueType::Approvers, doc: "Who must sign off before the team ships.", snippet: None },
        PropertySpec { name: "size", ty: ValueType::Count, doc: "How many people are on the team.", snippet: None },
        PropertySpec { name: "description", ty: ValueType::Str, doc: "Free text about the team.", snippet: None },
    ],
    children: &[BlockKind::DependsOn],
};

pub static DEPENDS_ON: BlockSpec = BlockSpec {
    kind_name: "dependency",
    keyword: "depends_on",
    top_level: false,
    titled: false,
    doc: "A dependency of the enclosing team on another team. The depending team owns de-coupling it, with a plan.",
    properties: &[
        PropertySpec { name: "owner", ty: ValueType::Owner, doc: "Who drives de-coupling the dependency: the depending team itself (or the leader it reports to).", snippet: Some("${2:owner}") },
        PropertySpec { name: "plan", ty: ValueType::Str, doc: "The plan to de-couple the dependency.", snippet: Some("\"${3:plan}\"") },
    ],
    children: &[],
};

/// The documentation of a value that has a meaning of its own.
pub fn enum_value_doc(name: &str) -> Option<&'static EnumValue> {
    MODELS.iter().chain(KNOWN_ROLES).find(|v| v.name == name)
}
