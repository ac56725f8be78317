//! Scenario files (docs/MODEL.md §6; every parameter in §8): the RON types, loading with
//! `extends` and `--set`, validation and the built-in library. Parse, don't validate twice:
//! everything downstream takes a validated [`Scenario`].

pub mod builtin;
pub mod error;
pub mod levers;
pub mod load;
pub mod plausible;
pub mod tree;
pub mod types;
pub mod validate;

pub use error::{Problem, ScenarioError};
pub use load::{Loaded, Override, SourceRef, load};
pub use types::*;
pub use validate::Limits;
