//! The orgplan analysis core.
