//! votelab: a simulation laboratory for election campaigns in the age of big data.
//!
//! An agent-based model (bevy_ecs) of generational voter cohorts on a social network, the data
//! brokers that profile them, the campaigns that micro-target them, the platforms that rank their
//! feeds, bots and misinformation, and the regulations that constrain all of these, over several
//! elections. The model, with every equation, parameter and source, is described in `docs/MODEL.md`;
//! the module map and what each module may depend on in `docs/ARCHITECTURE.md`.
//!
//! The library never prints or exits; `cli` is the only module that touches the terminal and the
//! filesystem.

pub mod agents;
pub mod cli;
pub mod graph;
pub mod metrics;
pub mod output;
pub mod phases;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod validation;
