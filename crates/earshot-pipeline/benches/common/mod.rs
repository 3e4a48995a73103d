//! Figures the pipeline's benchmarks share.

/// The `p` quantile (0–1) of `values`, nearest rank; 0 for none.
pub fn percentile(values: &[u64], p: f64) -> u64 {
    if values.is_empty() {
        return 0;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// (user + system CPU seconds, peak RSS in MiB) of this process.
pub fn usage() -> (f64, f64) {
    // SAFETY: getrusage writes into the zeroed struct we own.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let rss_kib = u.ru_maxrss as f64; // KiB on Linux
    (secs(u.ru_utime) + secs(u.ru_stime), rss_kib / 1024.0)
}
