//! The machine's resources as the server uses them: the allocator, kept within the server's
//! 64 MB (glibc's, tuned at start and asked to give memory back after the work that fragments
//! it), and the cores that heavy work (argon2, Excel exports) may take at once.

/// How many heavy jobs of one kind run at once: the cores but one (at least one), so a core
/// always stays with the pages.
pub fn heavy_work_slots() -> usize {
    std::thread::available_parallelism().map(|n| n.get().saturating_sub(1).max(1)).unwrap_or(1)
}

/// Sets glibc's allocator for a server: an argon2 hash takes a 19 MiB block, and glibc by
/// default raises its mmap threshold after freeing one, so later blocks come from the heap and
/// stay resident; a fixed threshold keeps every large block mapped and returned on free. Two
/// arenas (one per core) keep threads from each holding a heap of their own. Call before any
/// thread starts.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Returns freed heap pages to the system. An export's many small allocations leave the heap
/// fragmented, and without this the resident size only grows from one export to the next
/// (measured: 26 → 75 MB over 1,200 exports; with it, flat).
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it is safe to call at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Runs CPU-heavy work that nobody is waiting on interactively (writing an export's rows,
/// zipping its workbook) on a thread of its own at a lower priority (nice 10), and waits for
/// it without holding an async worker. On the runtime's threads, or on a blocking thread of
/// normal priority, such work takes its share of the cores from the pages; at nice 10 the
/// kernel lets any page's request run first, and the work takes what is left over.
pub async fn in_background<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> std::io::Result<T> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    std::thread::Builder::new().name("background".into()).spawn(move || {
        lower_this_threads_priority();
        // The receiver is only gone when the request was given up; the work is then dropped.
        let _ = answer.send(work());
    })?;
    answered.await.map_err(|_| std::io::Error::other("background work ended without an answer (it panicked)"))
}

/// Nice 10 for the calling thread (Linux keeps the nice value per thread). Failure only
/// leaves the thread at normal priority.
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only changes the scheduling weight of the calling thread (who = 0).
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn background_work_runs_at_a_lower_priority_and_answers() {
        // SAFETY: getpriority only reads the calling thread's nice value.
        let nice = in_background(|| unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }).await.unwrap();
        assert_eq!(nice, 10);
        let panicked = in_background(|| -> u8 { panic!("boom") }).await;
        assert!(panicked.is_err());
    }
}
