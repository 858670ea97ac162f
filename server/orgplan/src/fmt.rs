//! `orgplan fmt`: the canonical layout, in place, checked, or on stdin.

use crate::cli::FmtArgs;
use crate::Failure;
use std::process::ExitCode;

pub fn run(_args: FmtArgs) -> Result<ExitCode, Failure> {
    Err(Failure::new("fmt is not written yet"))
}
