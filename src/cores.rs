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

/// What a pool's threads run as they start, to keep off the processor this thread
/// is on now (nothing, where there is no other to use).
pub fn off_this_processor() -> impl Fn(usize) + Send + Sync + 'static {
    // SAFETY: reads no memory of ours.
    off_processor(unsafe { libc::sched_getcpu() })
}

/// The processors this thread may run on.
fn allowed() -> Option<libc::cpu_set_t> {
    // SAFETY: the set is a plain bit set of the size given, written in place.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        (libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0).then_some(set)
    }
}

/// What a pool's threads run as they start, to keep off processor `here`.
fn off_processor(here: i32) -> impl Fn(usize) + Send + Sync + 'static {
    let allowed = allowed();
    move |_| {
        let (Ok(cpu), Some(mut set)) = (usize::try_from(here), allowed) else { return };
        // SAFETY: as above.
        unsafe {
            if libc::CPU_COUNT(&set) < 2 || !libc::CPU_ISSET(cpu, &set) {
                return;
            }
            libc::CPU_CLR(cpu, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
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
            let start = off_processor(here);
            let after = std::thread::spawn(move || {
                start(0);
                allowed()
            })
            .join()
            .unwrap();
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
}
