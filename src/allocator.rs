//! The C allocator's settings, for the ODBC drivers' allocations: psqlODBC allocates and frees
//! every value it fetches (twelve million times for a million rows of twelve columns), and
//! glibc's defaults spend a tenth of the tool's CPU on it, consolidating small freed blocks and
//! giving memory back to the system that the next batch asks for again (page faults).
//!
//! Measured on the peer benchmark (1M rows, PostgreSQL -> PostgreSQL, three interleaved runs
//! each): the tool's CPU 3.07-3.22 s with glibc's defaults, 2.82-2.92 s with these settings, the
//! same peak memory (54-56 MB).

/// Tunes glibc's malloc: no fast bins (freeing a value is not deferred to a consolidation
/// later), blocks up to 16 MB from the heap rather than fresh mappings, and freed memory kept
/// (up to 128 MB) for the next batch. A no-op on other platforms.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's parameters, under glibc's own locks; main
    // calls this first thing.
    unsafe {
        libc::mallopt(libc::M_MXFAST, 0);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 16 << 20);
        libc::mallopt(libc::M_TOP_PAD, 16 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 20);
    }
}
