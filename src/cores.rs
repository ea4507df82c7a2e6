//! Which processors a render's threads run on.
//!
//! On the virtual machines measured (2 vCPUs), Linux started the pool's second thread,
//! and woke it for each piece of shared work, on the processor of the thread that
//! asked for it more often than not: it then waited for that thread to stop, 2-3 ms at
//! the start of a render, while the other processor sat idle (a thread kept off the
//! asking one's processor ran 0.15 ms after it was made). The pool's other threads are
//! kept off the processor the render's thread starts on; that thread itself is left
//! free to move, should another program take its processor. A thread that one of the
//! pool's threads starts (a photo's) keeps to the same processors: letting it run
//! anywhere again was no faster for a first render with its photo (0.1-0.4 ms slower,
//! 101 and 151 runs).
//!
//! A pool thread is kept off by the thread that makes it, as soon as it is made: kept
//! off by itself, once it first ran, it had to run first, and in half of the text-only
//! renders marked it was made on the render's processor and ran only 1-3 ms later,
//! when the render's thread gave way, having done the shared work alone meanwhile.

use std::os::unix::thread::JoinHandleExt;

/// How a pool makes its threads: each kept off the processor this thread is on now
/// (where there is another to use) before it can first run there.
pub fn spawn_off_this_processor() -> impl FnMut(rayon::ThreadBuilder) -> std::io::Result<()> {
    // SAFETY: reads no memory of ours.
    let keep_off = off_processor(unsafe { libc::sched_getcpu() });
    move |thread| {
        let handle = std::thread::Builder::new().spawn(move || thread.run())?;
        keep_off(handle.as_pthread_t());
        // Dropped, the handle detaches the thread, which runs for the pool's life.
        Ok(())
    }
}

/// The processors this thread may run on.
fn allowed() -> Option<libc::cpu_set_t> {
    // SAFETY: the set is a plain bit set of the size given, written in place.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        (libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0).then_some(set)
    }
}

/// What keeps a thread off processor `here`, on the others this thread may run on.
fn off_processor(here: i32) -> impl Fn(libc::pthread_t) {
    let allowed = allowed();
    move |thread| {
        let (Ok(cpu), Some(mut set)) = (usize::try_from(here), allowed) else { return };
        // SAFETY: as above; `thread` is a thread just made, not yet joined or detached.
        unsafe {
            if libc::CPU_COUNT(&set) < 2 || !libc::CPU_ISSET(cpu, &set) {
                return;
            }
            libc::CPU_CLR(cpu, &mut set);
            libc::pthread_setaffinity_np(thread, std::mem::size_of::<libc::cpu_set_t>(), &set);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> libc::cpu_set_t {
        super::allowed().expect("this thread's processors")
    }

    #[test]
    fn a_pool_thread_keeps_off_the_processor_of_the_thread_that_made_it() {
        std::thread::spawn(|| {
            let before = allowed();
            // SAFETY: the set is a plain bit set.
            let here = (0..libc::CPU_SETSIZE).find(|&c| unsafe { libc::CPU_ISSET(c as usize, &before) }).unwrap();
            let (go, wait) = std::sync::mpsc::channel::<()>();
            let made = std::thread::spawn(move || {
                wait.recv().unwrap();
                allowed()
            });
            off_processor(here)(made.as_pthread_t());
            go.send(()).unwrap();
            let after = made.join().unwrap();
            // SAFETY: the sets are plain bit sets.
            unsafe {
                if libc::CPU_COUNT(&before) < 2 {
                    assert_eq!(libc::CPU_COUNT(&after), libc::CPU_COUNT(&before), "one processor: nothing to change");
                } else {
                    assert!(!libc::CPU_ISSET(here as usize, &after), "kept off processor {here}");
                    assert_eq!(libc::CPU_COUNT(&after), libc::CPU_COUNT(&before) - 1, "and on all the others");
                }
            }
            // The thread that made it may still run anywhere.
            assert_eq!(unsafe { libc::CPU_COUNT(&allowed()) }, unsafe { libc::CPU_COUNT(&before) });
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_pool_made_so_runs_its_jobs() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).spawn_handler(spawn_off_this_processor()).build();
        let (a, b) = pool.expect("a pool").install(|| rayon::join(|| 1 + 2, || 3 + 4));
        assert_eq!((a, b), (3, 7));
    }
}
