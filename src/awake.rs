//! The second core of a render, kept awake: one of rayon's threads spins on the pool's
//! queue for the length of the render instead of going to sleep whenever it runs out
//! of work, from the moment the pool is made, before the command line is read. The
//! render hands work to it many times (the profile's reading, the hyphenation
//! patterns, the last part of the text to set, faces to subset, pages to write), each
//! a fraction of a millisecond; a sleeping thread took 0.1-3 ms to wake on a virtual
//! machine's idle core, so most of that work was done by the render's own thread
//! while the other core slept. The spinning costs that core's time: a few
//! milliseconds of CPU for a millisecond or two less of waiting, and never more than
//! `AWAKE_FOR` however long the document.
//!
//! The photo is given to this thread alone (`give`): the render waits for it, so its
//! own thread must not take it from rayon's queues as it would a job of its own, and
//! a thread of its own beside the two busy ones only took their cores' time.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Twice a three-page render's length.
const AWAKE_FOR: Duration = Duration::from_millis(30);

pub type Work = Box<dyn FnOnce() + Send>;

/// Whether the awake thread takes work, and the work given to it.
static AWAKE: Mutex<(bool, Option<Work>)> = Mutex::new((false, None));

/// Keeps the pool's second thread awake from now on, for at most `AWAKE_FOR`. In a
/// batch it takes the batch's work as it comes, and is then a thread as any other.
pub fn stay_awake() {
    rayon::spawn_broadcast(|context| {
        // Index 0 is the render's own thread; other cores, if any, sleep as usual.
        if context.index() != 1 {
            return;
        }
        lock().0 = true;
        cvpdf::pdf::warm();
        let until = Instant::now() + AWAKE_FOR;
        while Instant::now() < until {
            let given = lock().1.take();
            if let Some(work) = given {
                work();
            } else if rayon::yield_now() != Some(rayon::Yield::Executed) {
                std::thread::yield_now();
            }
        }
        // Work given just before it stopped taking any is done all the same.
        let given = {
            let mut awake = lock();
            awake.0 = false;
            awake.1.take()
        };
        if let Some(work) = given {
            work();
        }
    });
}

/// Gives `work` to the awake thread; back when no thread is awake (one core, or the
/// render outlasted `AWAKE_FOR`) or it has work already.
pub fn give(work: Work) -> Result<(), Work> {
    match &mut *lock() {
        (true, slot @ None) => {
            *slot = Some(work);
            Ok(())
        }
        _ => Err(work),
    }
}

fn lock() -> std::sync::MutexGuard<'static, (bool, Option<Work>)> {
    AWAKE.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn work_given_is_done_by_the_awake_thread_and_none_is_taken_once_it_sleeps() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let (done, finished) = mpsc::channel();
        pool.install(stay_awake);
        let mut work: Work = Box::new(move || done.send(rayon::current_thread_index()).unwrap());
        // The awake thread may not have started yet.
        let started = Instant::now();
        while let Err(back) = give(work) {
            assert!(started.elapsed() < Duration::from_secs(5), "no thread awoke");
            work = back;
            std::thread::yield_now();
        }
        let by = finished.recv_timeout(Duration::from_secs(5)).expect("the work was done");
        assert_eq!(by, Some(1), "by the pool's second thread, not the render's");
        std::thread::sleep(AWAKE_FOR * 2);
        assert!(give(Box::new(|| {})).is_err(), "no thread takes work once it sleeps");
    }
}
