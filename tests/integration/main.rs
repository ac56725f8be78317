//! Integration tests, one binary: the command line end to end, determinism, calibration and the
//! scenario library.

mod calibration;
mod cli;
mod common;
mod determinism;
mod scenarios;
