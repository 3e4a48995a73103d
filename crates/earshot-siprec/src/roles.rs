//! Who is on which stream: caller or agent. The metadata names the participant sending each
//! labelled stream; the agent is the participant whose address matches the configured agent
//! patterns (extensions, AORs, domains). Without a match, Acme's `callingParty` marks the
//! caller (an inbound contact-center call), and without that a configured label rule decides, and
//! the call record says so. Nothing assumes "the first stream is the caller".

use crate::metadata::Metadata;
use crate::sdp::Sdp;
use earshot_core::Speaker;

/// How streams are told apart when the metadata cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// The first audio stream is the caller, the second the agent.
    FirstIsCaller,
    /// The first audio stream is the agent, the second the caller.
    FirstIsAgent,
}

/// The organisation's rules for telling caller from agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRules {
    /// Wildcard patterns (`*`, `?`; case-insensitive) matched against each participant's AOR,
    /// the AOR without its `sip:` scheme, and its user part: `1???`, `sip:*@agents.example.com`,
    /// `+4420791*`.
    pub agent_patterns: Vec<String>,
    /// Whether the calling party (Acme's `callingParty`) is the caller: true for inbound
    /// contact centers.
    pub calling_party_is_caller: bool,
    /// The rule when neither decides.
    pub fallback: Fallback,
}

impl Default for RoleRules {
    fn default() -> Self {
        RoleRules {
            agent_patterns: Vec::new(),
            calling_party_is_caller: true,
            fallback: Fallback::FirstIsCaller,
        }
    }
}

impl RoleRules {
    /// Whether `aor` is an agent's.
    pub fn is_agent(&self, aor: &str) -> bool {
        let aor = aor.trim().trim_start_matches('<').trim_end_matches('>');
        let bare = aor
            .strip_prefix("sips:")
            .or_else(|| aor.strip_prefix("sip:"))
            .or_else(|| aor.strip_prefix("tel:"))
            .unwrap_or(aor);
        let bare = bare.split(';').next().unwrap_or(bare);
        let user = bare.split('@').next().unwrap_or(bare);
        self.agent_patterns.iter().any(|p| {
            let w = wildmatch::WildMatch::new_case_insensitive(p.trim());
            w.matches(aor) || w.matches(bare) || w.matches(user)
        })
    }
}

/// How the roles were decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// A participant matched the agent patterns.
    AgentPattern,
    /// The metadata marked the calling party.
    CallingParty,
    /// The fallback rule: the metadata did not tell.
    Fallback,
    /// One mixed stream: both parties together.
    Mixed,
}

impl Basis {
    /// For the call record.
    pub fn describe(self) -> &'static str {
        match self {
            Basis::AgentPattern => "roles from the agent patterns",
            Basis::CallingParty => "roles from the metadata's calling party",
            Basis::Fallback => {
                "roles by the fallback label rule: the metadata did not identify the agent"
            }
            Basis::Mixed => "one mixed stream: speakers not separated",
        }
    }
}

/// The speaker of each `m=` line (`None`: not transcribed: not audio, refused, or an extra mixed
/// copy), and how that was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roles {
    /// One entry per `m=` line of the offer.
    pub speakers: Vec<Option<Speaker>>,
    /// How.
    pub basis: Basis,
    /// The agent's AOR, when known.
    pub agent: Option<String>,
}

/// Decides who is on each stream of `sdp`.
pub fn assign(sdp: &Sdp, metadata: Option<&Metadata>, rules: &RoleRules) -> Roles {
    let audio: Vec<usize> = sdp
        .media
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind.eq_ignore_ascii_case("audio") && m.port != 0)
        .map(|(i, _)| i)
        .collect();
    let mut speakers = vec![None; sdp.media.len()];
    if audio.len() == 1 {
        speakers[audio[0]] = Some(Speaker::Unknown);
        return Roles {
            speakers,
            basis: Basis::Mixed,
            agent: None,
        };
    }
    let senders: Vec<Option<&crate::metadata::Participant>> = audio
        .iter()
        .map(|&i| {
            let label = sdp.media[i].label.as_deref()?;
            metadata?.sender_of_label(label)
        })
        .collect();
    // 1. The agent patterns.
    let agent_at: Vec<bool> = senders
        .iter()
        .map(|p| {
            p.and_then(|p| p.aor.as_deref())
                .is_some_and(|a| rules.is_agent(a))
        })
        .collect();
    let known = senders.iter().filter(|p| p.is_some()).count();
    if agent_at.iter().any(|a| *a) && agent_at.iter().any(|a| !*a) {
        let mut agent = None;
        for (k, &i) in audio.iter().enumerate() {
            speakers[i] = match (senders[k], agent_at[k]) {
                (Some(p), true) => {
                    agent = agent.or(p.aor.clone());
                    Some(Speaker::Agent)
                }
                (Some(_), false) => Some(Speaker::Caller),
                // A stream nobody sends is an extra (mixed) copy: not transcribed twice.
                (None, _) if known >= 2 => None,
                (None, _) => Some(Speaker::Caller),
            };
        }
        return Roles {
            speakers,
            basis: Basis::AgentPattern,
            agent,
        };
    }
    // 2. The calling party.
    let calling: Vec<Option<bool>> = senders.iter().map(|p| p.and_then(|p| p.calling)).collect();
    if calling.contains(&Some(true)) {
        let mut agent = None;
        for (k, &i) in audio.iter().enumerate() {
            let is_calling = calling[k] == Some(true);
            let is_caller = is_calling == rules.calling_party_is_caller;
            speakers[i] = match senders[k] {
                None if known >= 2 => None,
                _ => Some(if is_caller {
                    Speaker::Caller
                } else {
                    Speaker::Agent
                }),
            };
            if !is_caller {
                agent = agent.or(senders[k].and_then(|p| p.aor.clone()));
            }
        }
        return Roles {
            speakers,
            basis: Basis::CallingParty,
            agent,
        };
    }
    // 3. The label rule: the first two audio streams; further ones are extra copies.
    let (first, second) = match rules.fallback {
        Fallback::FirstIsCaller => (Speaker::Caller, Speaker::Agent),
        Fallback::FirstIsAgent => (Speaker::Agent, Speaker::Caller),
    };
    for (k, &i) in audio.iter().enumerate().take(2) {
        speakers[i] = Some(if k == 0 { first } else { second });
    }
    Roles {
        speakers,
        basis: Basis::Fallback,
        agent: None,
    }
}
