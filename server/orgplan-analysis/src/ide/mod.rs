//! Editor features over the analysis: hover, completion, navigation, symbols.
