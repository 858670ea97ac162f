//! The canonical layout of `.orgplan` text.
pub fn format(_s: &str) -> String { todo!() }
