//! Work that goes to whichever thread claims it first, and a wait for it that keeps
//! this core awake.
//!
//! A render shares work with the other core in pieces of 0.1-1 ms. Waiting for one
//! the way rayon does, a thread goes to sleep after a few dozen looks for other work,
//! and on a virtual machine a sleeping core is slow to run again once woken: from the
//! profile read on the other core to this thread going on took 107 us (median of 101
//! text-only renders; 426 us for the slowest tenth) in a `rayon::join`, and 16 us
//! (138 us) with a `Claim`. Here the waiting thread does the pool's pending jobs, or
//! spins, for the length of such a piece, and only then sleeps between looks.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

const FREE: u8 = 0;
const TAKEN: u8 = 1;
const DONE: u8 = 2;
/// Claimed by a thread whose work panicked: the waiting thread does it again, and so
/// meets the panic itself rather than waiting for ever.
const ABANDONED: u8 = 3;

/// How long a waiting thread stays awake: longer than a shared piece of a render, and
/// short against a long wait's cost in processor time.
const AWAKE: Duration = Duration::from_millis(1);

/// One piece of work, with its result once done.
pub struct Claim<R> {
    state: AtomicU8,
    result: Mutex<Option<R>>,
}

impl<R> Default for Claim<R> {
    fn default() -> Self {
        Claim { state: AtomicU8::new(FREE), result: Mutex::new(None) }
    }
}

impl<R> Claim<R> {
    /// Does `work` unless a thread has claimed it already. True if this thread did.
    pub fn run(&self, work: impl FnOnce() -> R) -> bool {
        if self.state.compare_exchange(FREE, TAKEN, Ordering::AcqRel, Ordering::Acquire).is_err() {
            return false;
        }
        // Marks the work abandoned should `work` panic (a no-op once it is done).
        struct Abandon<'a>(&'a AtomicU8);
        impl Drop for Abandon<'_> {
            fn drop(&mut self) {
                let _ = self.0.compare_exchange(TAKEN, ABANDONED, Ordering::AcqRel, Ordering::Acquire);
            }
        }
        let _abandon = Abandon(&self.state);
        let result = work();
        *self.result.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(result);
        self.state.store(DONE, Ordering::Release);
        true
    }

    /// The result: of `work` done here if no thread has claimed the work, or of the
    /// thread that did, awaited. The work itself must not wait for another claim's:
    /// two threads could then each wait for the other.
    pub fn get(&self, work: impl FnOnce() -> R) -> R {
        let mut work = Some(work);
        if !self.run(|| work.take().expect("run does its work at most once")()) {
            self.wait();
        }
        let done = self.result.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        // None: the claiming thread panicked, or the result was taken already; the work
        // is then still here to do.
        done.unwrap_or_else(|| work.take().expect("no result, so the work was not done here")())
    }

    /// Waits while the work is being done elsewhere: doing the pool's pending jobs, or
    /// spinning, for `AWAKE`, then looking every 50 microseconds.
    fn wait(&self) {
        let start = Instant::now();
        while self.state.load(Ordering::Acquire) == TAKEN {
            if rayon::yield_now() == Some(rayon::Yield::Executed) {
                continue;
            }
            if start.elapsed() < AWAKE {
                std::hint::spin_loop();
            } else {
                std::thread::sleep(Duration::from_micros(50));
            }
        }
    }
}

/// `work` done on each of `items`, the results in their order, while this thread does
/// `meanwhile`: another core of the pool, once free, takes the items from the first on,
/// this thread from the last back once `meanwhile` is done.
pub fn map_from_both_ends<T: Sync, R: Send, M>(
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    meanwhile: impl FnOnce() -> M,
) -> (M, Vec<R>) {
    let forward: Vec<usize> = (0..items.len()).collect();
    let backward: Vec<usize> = forward.iter().rev().copied().collect();
    map_in_orders(items, &forward, &backward, work, meanwhile)
}

/// `work` done on each of `items`, the results in their order, while this thread does
/// `meanwhile`: both threads take the items largest first by `cost`, the other core as
/// soon as it is free and this one once `meanwhile` is done. From both ends, the
/// sample's second page (twice the first's glyphs) went to the other core second, and
/// this thread, done with its short last page, waited 0.25 ms for it.
pub fn map_largest_first<T: Sync, R: Send, M>(
    items: &[T],
    cost: impl Fn(&T) -> usize,
    work: impl Fn(&T) -> R + Sync,
    meanwhile: impl FnOnce() -> M,
) -> (M, Vec<R>) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cost(&items[i])));
    map_in_orders(items, &order, &order, work, meanwhile)
}

/// `work` done on each of `items`, the results in their order: another core of the
/// pool claims them in the order of `theirs`, this thread, once `meanwhile` is done,
/// in the order of `ours`, and then waits for those the other is still doing.
fn map_in_orders<T: Sync, R: Send, M>(
    items: &[T],
    theirs: &[usize],
    ours: &[usize],
    work: impl Fn(&T) -> R + Sync,
    meanwhile: impl FnOnce() -> M,
) -> (M, Vec<R>) {
    let claims: Vec<Claim<R>> = items.iter().map(|_| Claim::default()).collect();
    rayon::in_place_scope(|scope| {
        let (claims, work) = (&claims, &work);
        scope.spawn(move |_| {
            for &i in theirs {
                claims[i].run(|| work(&items[i]));
            }
        });
        let done = meanwhile();
        for &i in ours {
            claims[i].run(|| work(&items[i]));
        }
        let results = claims.iter().zip(items).map(|(claim, item)| claim.get(|| work(item))).collect();
        (done, results)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ends_give_every_result_in_order() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let items: Vec<u32> = (0..50).collect();
        let ((), squares) =
            pool.install(|| map_from_both_ends(&items, |n| n * n, || std::thread::sleep(Duration::from_millis(2))));
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        // Outside any pool, rayon's global pool is the other side.
        assert_eq!(map_from_both_ends(&items, |n| n + 1, || 5).1[49], 50);
    }

    #[test]
    fn largest_first_gives_every_result_in_order() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let items: Vec<u64> = (0..50).map(|n| (n * 37) % 50).collect();
        let ((), squares) = pool.install(|| {
            map_largest_first(&items, |&n| n as usize, |n| n * n, || std::thread::sleep(Duration::from_millis(2)))
        });
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert_eq!(map_largest_first(&items, |_| 0, |n| n + 1, || 5).1[49], items[49] + 1);
    }

    #[test]
    fn the_largest_item_is_taken_first() {
        // One thread alone (the pool's thread busy elsewhere) takes them largest first.
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let seen = Mutex::new(Vec::new());
        let items = [3usize, 9, 1, 5];
        pool.install(|| {
            map_largest_first(&items, |&n| n, |&n| seen.lock().unwrap().push(n), || ());
        });
        assert_eq!(*seen.lock().unwrap(), vec![9, 5, 3, 1]);
    }

    #[test]
    fn unclaimed_work_is_done_by_the_thread_that_asks() {
        let claim = Claim::default();
        assert_eq!(claim.get(|| 7), 7);
        // Claimed by that call: a later run does nothing, a later get works again.
        assert!(!claim.run(|| 8));
        assert_eq!(claim.get(|| 9), 9);
    }

    #[test]
    fn claimed_work_is_awaited_and_its_result_given() {
        let claim = Claim::default();
        let started = std::sync::Barrier::new(2);
        std::thread::scope(|s| {
            s.spawn(|| {
                claim.run(|| {
                    started.wait();
                    std::thread::sleep(Duration::from_millis(20));
                    "there"
                })
            });
            started.wait();
            assert_eq!(claim.get(|| "here"), "there");
        });
    }

    #[test]
    fn work_abandoned_by_a_panic_is_done_again_by_the_waiting_thread() {
        let claim = Claim::default();
        let started = std::sync::Barrier::new(2);
        std::thread::scope(|s| {
            let there = s.spawn(|| {
                claim.run(|| {
                    started.wait();
                    panic!("the work failed")
                })
            });
            started.wait();
            assert_eq!(claim.get(|| "here"), "here");
            assert!(there.join().is_err());
        });
    }
}
