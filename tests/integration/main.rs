//! Integration tests, one binary: the command line end to end, determinism, calibration and the
//! scenario library, the workshop server and its room mode.

mod calibration;
mod campaigns;
mod cli;
mod common;
mod comparison;
mod determinism;
mod environment;
mod fuzz;
mod golden;
mod interruption;
mod library;
mod limits;
mod report;
mod robustness;
mod room;
mod scenarios;
mod serve;
mod sweep;
mod validation;
