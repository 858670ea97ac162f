//! Hints that ask the processor for memory a walk will read soon.
//!
//! What they replace: nothing but waiting. A keystroke's walks (the
//! entities after the edit, their findings, the capped list) follow
//! pointers to small heap blocks, one after another; in a server the
//! caches have been swept between keystrokes (by the publication and by
//! the client reading it), so each block was a wait for memory, one at a
//! time. Asked for a few steps ahead, they arrive together while the walk
//! works on the ones before. (The publication's walk of the findings did
//! not gain from it: tried, not kept.) Shown by:
//! BENCHMARKS.md, "7 Dec (thirty-fifth session)" (the cold floor's and
//! the server's keystroke, alternating builds).

/// The cache lines a hint covers at most: enough for an entity's lists or
/// a finding, not a walk of its own.
const MAX_LINES: usize = 8;

/// Asks for the first few cache lines of `items` (nothing on targets
/// other than x86-64). A hint reads nothing into the program and cannot
/// fault.
#[inline(always)]
pub fn ask_for<T>(items: &[T]) {
    ask_for_bytes(items.as_ptr().cast(), std::mem::size_of_val(items));
}

#[inline(always)]
fn ask_for_bytes(start: *const u8, bytes: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let mut at = 0;
        while at < bytes && at < MAX_LINES * 64 {
            // SAFETY: a prefetch is a hint: it neither reads the address
            // into the program nor faults, whatever the address.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(at).cast::<i8>()) };
            at += 64;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (start, bytes);
}
