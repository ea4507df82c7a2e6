//! The allocator: the process's first megabytes are handed out from one region, in
//! order; what comes after, from mimalloc.
//!
//! A render is a short process: the text-only sample allocates about 4 MB in all, in
//! 37,000 blocks, 2 MB of it live at most, and then ends. mimalloc gives each thread
//! segments of its own and spreads a thread's blocks over pages by size, so that render
//! touched 14 MB of mimalloc's memory, and the kernel zeroing each page as it was
//! first touched was a fifth of the process's processor time. Handed out in order from
//! one region, the same blocks touch 2.6 MB: allocating is moving a cursor, and freeing
//! is moving it back for a thread's last block, or keeping the block for the next
//! request of its class, or of the two below it for blocks from 512 bytes on (without
//! that, 4.4 MB of the region; with its class alone, 0.2 MB more). The region is
//! bounded (a profile ten times the sample's takes 11 MB of its 12), and what comes
//! after it is mimalloc's as before.
//!
//! In pages of 4 KB, not 2 MB: on the virtual machines measured (whose host takes back
//! the memory the guest leaves free for two seconds), a huge page fresh after a pause
//! took 4.5 ms to fault in rather than 0.2, and a render one every three seconds took
//! 12.5 ms rather than 6.5 (the batch of 12, 75 ms rather than 46). Back to back, huge
//! pages were 0.7 ms faster; a render is rarely run back to back.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The region's size: more than a single render of a long profile allocates.
const REGION: usize = 12 << 20;
/// What a thread takes from the region at a time, for its small blocks.
const CHUNK: usize = 128 << 10;
/// Blocks larger than this take a span of the region of their own.
const SMALL: usize = CHUNK / 4;
/// Blocks larger than this are mimalloc's: pixel buffers and the like, which are
/// freed soon and would use the region up.
const LARGE: usize = 256 << 10;
/// Spans start on page boundaries, which serves any alignment up to a page's.
const PAGE: usize = 4096;
/// Small blocks start on, and take, multiples of this: a block given back then serves
/// any request of its size with no greater alignment.
const GRAIN: usize = 8;
/// Classes of blocks given back: by 8 bytes up to 1 KB, then four a power of two up to
/// `LARGE`.
const CLASSES: usize = 128 + 8 * 4;
/// How many classes wider than asked for a block given back may be, for requests of
/// class `WIDE_FROM` (512 bytes) and up: blocks of a Vec left behind as it grows, or of
/// a stage's strings, rarely come back at their size. Two classes (up to 16 bytes more
/// below 1 KB, up to half as much again above) took the text-only sample 52 page
/// faults fewer (805 -> 753), ten times its content 114 fewer, for 0.09M more
/// instructions (20.59M). Four classes saved no more; sixteen, 9 faults (wide blocks
/// spent on small requests are missed later). From 256 bytes on, the same faults for
/// 0.05M instructions more; on every request, 0.3M more.
const WIDER: usize = 2;
const WIDE_FROM: usize = 64;

/// The region's address; 0 before it is mapped, `UNAVAILABLE` if it cannot be.
static BASE: AtomicUsize = AtomicUsize::new(0);
const UNAVAILABLE: usize = 1;
/// How much of the region has been handed out, in spans.
static TAKEN: AtomicUsize = AtomicUsize::new(0);

/// What a thread keeps of the region, in one thread-local so that an allocation looks
/// it up once (looked up three times, with `next_multiple_of` dividing by the alignment,
/// an allocation took 100 instructions; a render makes 19,000).
struct ThreadHeap {
    /// This thread's chunk: the address of its next free byte and its end; the end is
    /// `usize::MAX` once the region is used up.
    next: Cell<usize>,
    end: Cell<usize>,
    /// Where this thread's chunk has been handed out and given back: below it, a block
    /// may hold what its last owner wrote. Chunks are taken at rising addresses, so a
    /// new chunk is above it.
    used_to: Cell<usize>,
    /// Blocks this thread gave back that were not its last, by class (`within`), each
    /// holding the address of the next: Vec buffers left behind as they grow, strings
    /// of a stage done. Handed out again, they kept the sample's render within 2.6 MB
    /// of the region rather than 4.4.
    given_back: [Cell<usize>; CLASSES],
}

thread_local! {
    static THIS_THREAD: ThreadHeap = const {
        ThreadHeap {
            next: Cell::new(0),
            end: Cell::new(0),
            used_to: Cell::new(0),
            given_back: [const { Cell::new(0) }; CLASSES],
        }
    };
}

/// The bytes a block of class `class` holds.
#[cfg(test)]
fn capacity(class: usize) -> usize {
    if class < 128 {
        return (class + 1) * GRAIN;
    }
    let e = 10 + (class - 128) / 4;
    (1 << e) + ((class - 128) % 4 + 1) * (1 << (e - 2))
}

/// The smallest class whose blocks hold `size` bytes (`size` at most `LARGE`).
#[inline(always)]
fn covering(size: usize) -> usize {
    if size <= 1024 {
        return size.max(1).div_ceil(GRAIN) - 1;
    }
    let e = (size - 1).ilog2() as usize;
    let k = (size - (1 << e)).div_ceil(1 << (e - 2));
    128 + (e - 10) * 4 + (k - 1)
}

/// The largest class a block of `size` bytes holds enough for.
#[inline(always)]
fn within(size: usize) -> Option<usize> {
    if size < 1280 {
        return (size / GRAIN).min(128).checked_sub(1);
    }
    let e = size.ilog2() as usize;
    let class = match (size - (1 << e)) / (1 << (e - 2)) {
        0 => 128 + (e - 11) * 4 + 3,
        k => 128 + (e - 10) * 4 + (k - 1),
    };
    Some(class.min(CLASSES - 1))
}

/// A block of class `class` this thread gave back, if it has one.
#[inline(always)]
fn reused(heap: &ThreadHeap, class: usize) -> Option<usize> {
    let head = heap.given_back[class].get();
    // SAFETY: a block on the list is free and holds the next one's address.
    (head != 0).then(|| {
        heap.given_back[class].set(unsafe { *(head as *const usize) });
        head
    })
}

/// A block this thread gave back of class `class` or, from `WIDE_FROM` on, of one of
/// the next `WIDER` classes: one a little larger than asked for serves, rather than
/// fresh memory. (Given back, it is then kept by the size it was asked for.)
#[inline(always)]
fn reused_or_wider(heap: &ThreadHeap, class: usize) -> Option<usize> {
    reused(heap, class).or_else(|| {
        if class < WIDE_FROM {
            return None;
        }
        (class + 1..=(class + WIDER).min(CLASSES - 1)).find_map(|c| reused(heap, c))
    })
}

/// Keeps the free block at `at`, of `size` bytes, for a later request.
#[inline(always)]
fn keep_for_reuse(heap: &ThreadHeap, at: usize, size: usize) {
    let Some(class) = within(size) else { return };
    // SAFETY: the block is free, at least a word long and aligned to one.
    unsafe { *(at as *mut usize) = heap.given_back[class].get() };
    heap.given_back[class].set(at);
}

/// The bytes a small block of `size` takes from its chunk.
#[inline(always)]
fn rounded(size: usize) -> usize {
    size.next_multiple_of(GRAIN)
}

/// The allocator the `cvpdf` binary uses.
pub struct Heap;

// The library's own tests run with it too.
#[cfg(test)]
#[global_allocator]
static TEST_ALLOCATOR: Heap = Heap;

/// This thread takes no more from the region: for work that allocates much and frees
/// it soon, as a photo's decoding and encoding (7 MB for the sample's photo).
pub fn elsewhere() {
    THIS_THREAD.with(|heap| {
        heap.next.set(0);
        heap.end.set(usize::MAX);
    });
}

/// No thread takes more from the region: for a batch, or `watch`, which would use it
/// up and then go on with mimalloc, having touched its memory for nothing.
pub fn close() {
    TAKEN.fetch_max(REGION, Ordering::Relaxed);
}

/// The region, mapped on first use.
fn region() -> Option<usize> {
    match BASE.load(Ordering::Acquire) {
        0 => map_region(),
        UNAVAILABLE => None,
        base => Some(base),
    }
}

#[cold]
fn map_region() -> Option<usize> {
    // SAFETY: a fresh private anonymous mapping; nothing else refers to it.
    let base = unsafe {
        let at = libc::mmap(
            std::ptr::null_mut(),
            REGION,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        );
        if at == libc::MAP_FAILED { UNAVAILABLE } else { at as usize }
    };
    // The first allocation comes before any thread is started; should two threads
    // race here anyway, one mapping stays unused.
    match BASE.compare_exchange(0, base, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => (base != UNAVAILABLE).then_some(base),
        Err(UNAVAILABLE) => None,
        Err(other) => Some(other),
    }
}

/// `size` bytes of the region, page-aligned, if that many are left.
fn span(size: usize) -> Option<usize> {
    let base = region()?;
    let size = size.next_multiple_of(PAGE);
    if TAKEN.load(Ordering::Relaxed) + size > REGION {
        return None;
    }
    let start = TAKEN.fetch_add(size, Ordering::Relaxed);
    (start + size <= REGION).then_some(base + start)
}

#[inline(always)]
fn in_region(ptr: *mut u8) -> bool {
    let base = BASE.load(Ordering::Relaxed);
    base > UNAVAILABLE && (ptr as usize).wrapping_sub(base) < REGION
}

/// Where a block from the region comes from.
enum Block {
    /// Never handed out: zeroed unless below the thread's `used_to`.
    Fresh(*mut u8),
    /// Given back before, holding what it held.
    Reused(*mut u8),
}

/// A block from the region, or None once it is used up (or the block is aligned
/// beyond a page). The common case (a small block, from the lists or the chunk) is
/// inlined into `alloc`; the rest is `from_region_otherwise`.
#[inline(always)]
fn from_region(heap: &ThreadHeap, layout: Layout) -> Option<Block> {
    let (size, align) = (layout.size(), layout.align());
    if size <= SMALL && align <= GRAIN {
        if let Some(block) = reused_or_wider(heap, covering(size)) {
            return Some(Block::Reused(block as *mut u8));
        }
        // `next` is a multiple of the grain, and 0 before the first chunk, where `end`
        // is 0 too; `end` is `usize::MAX` once no chunk is left, where `next` is 0.
        let (next, end) = (heap.next.get(), heap.end.get());
        let size = rounded(size);
        if next != 0 && size <= end - next {
            heap.next.set(next + size);
            return Some(Block::Fresh(next as *mut u8));
        }
    }
    from_region_otherwise(heap, layout)
}

#[cold]
#[inline(never)]
fn from_region_otherwise(heap: &ThreadHeap, layout: Layout) -> Option<Block> {
    let (size, align) = (layout.size(), layout.align());
    if align > PAGE || size > LARGE {
        return None;
    }
    let (next, end) = (heap.next.get(), heap.end.get());
    if end == usize::MAX {
        return None;
    }
    if size > SMALL {
        // A block given back is aligned to a grain at least. (Small ones were looked
        // for in `from_region`.)
        if align <= GRAIN
            && let Some(block) = reused_or_wider(heap, covering(size))
        {
            return Some(Block::Reused(block as *mut u8));
        }
        return span(size).map(|at| Block::Fresh(at as *mut u8));
    }
    let size = rounded(size);
    // Alignments are powers of two.
    let align = align.max(GRAIN);
    let at = (next + align - 1) & !(align - 1);
    if next != 0 && at + size <= end {
        heap.next.set(at + size);
        return Some(Block::Fresh(at as *mut u8));
    }
    match span(CHUNK) {
        Some(chunk) => {
            heap.next.set(chunk + size);
            heap.end.set(chunk + CHUNK);
            Some(Block::Fresh(chunk as *mut u8))
        }
        None => {
            heap.next.set(0);
            heap.end.set(usize::MAX);
            None
        }
    }
}

/// Gives back the end of a block of `size` bytes at `at`, from `keep` bytes on, when it
/// is this thread's last: blocks are mostly freed in the reverse order they were made.
/// Another block given back whole is kept for reuse.
#[inline(always)]
fn give_back(heap: &ThreadHeap, at: usize, size: usize, keep: usize) {
    let (next, end) = (heap.next.get(), heap.end.get());
    if is_last(at, rounded(size), next, end) {
        heap.used_to.set(heap.used_to.get().max(next));
        heap.next.set(at + rounded(keep));
    } else if keep == 0 {
        keep_for_reuse(heap, at, rounded(size));
    }
}

/// Whether the block of `size` bytes at `at` is the last handed out from the chunk
/// whose next free byte is `next` and whose end is `end`. The block must lie in the
/// chunk: another thread's block may end where this chunk begins.
#[inline(always)]
fn is_last(at: usize, size: usize, next: usize, end: usize) -> bool {
    end != usize::MAX && at + size == next && at >= end.saturating_sub(CHUNK)
}

// SAFETY: blocks from the region are distinct spans of a mapping that lives as long
// as the process, aligned as asked; every other block is mimalloc's, and is given
// back to it, for only the region's addresses are kept from it.
unsafe impl GlobalAlloc for Heap {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match THIS_THREAD.with(|heap| from_region(heap, layout)) {
            Some(Block::Fresh(block) | Block::Reused(block)) => block,
            None => unsafe { mimalloc::MiMalloc.alloc(layout) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let (block, used_to) = THIS_THREAD.with(|heap| (from_region(heap, layout), heap.used_to.get()));
        match block {
            Some(Block::Fresh(block)) => {
                if (block as usize) < used_to {
                    // SAFETY: the block's first bytes, up to where it may have been used.
                    unsafe { std::ptr::write_bytes(block, 0, layout.size().min(used_to - block as usize)) };
                }
                block
            }
            Some(Block::Reused(block)) => {
                // SAFETY: the block holds at least `layout.size()` bytes.
                unsafe { std::ptr::write_bytes(block, 0, layout.size()) };
                block
            }
            None => unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) },
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if in_region(ptr) {
            THIS_THREAD.with(|heap| give_back(heap, ptr as usize, layout.size(), 0));
        } else {
            unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !in_region(ptr) {
            return unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        }
        let grown = THIS_THREAD.with(|heap| {
            if new_size <= layout.size() {
                give_back(heap, ptr as usize, layout.size(), new_size);
                return true;
            }
            // This thread's last block grows in place while its chunk has room.
            let (next, end) = (heap.next.get(), heap.end.get());
            let fits = is_last(ptr as usize, rounded(layout.size()), next, end) && ptr as usize + new_size <= end;
            if fits {
                heap.next.set(ptr as usize + rounded(new_size));
            }
            fits
        });
        if grown {
            return ptr;
        }
        // SAFETY: the new layout has the old one's alignment and a size the caller
        // vouches for; the old block stays valid until it is copied.
        unsafe {
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let block = self.alloc(new_layout);
            if !block.is_null() {
                std::ptr::copy_nonoverlapping(ptr, block, layout.size());
                self.dealloc(ptr, layout);
            }
            block
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_aligned_distinct_and_zeroed() {
        let heap = Heap;
        let mut blocks = Vec::new();
        for (size, align) in [(1, 1), (24, 8), (100, 16), (SMALL + 1, 64), (3, 4096), (40_000, 8)] {
            let layout = Layout::from_size_align(size, align).unwrap();
            // SAFETY: non-zero sizes, valid alignments; each block is written within
            // its size and given back with its layout.
            unsafe {
                let block = heap.alloc_zeroed(layout);
                assert!(!block.is_null());
                assert_eq!(block as usize % align, 0, "{size} bytes aligned to {align}");
                assert!(std::slice::from_raw_parts(block, size).iter().all(|&b| b == 0));
                std::ptr::write_bytes(block, 0xAB, size);
                blocks.push((block, layout));
            }
        }
        for (block, layout) in &blocks {
            // SAFETY: as above.
            unsafe { assert!(std::slice::from_raw_parts(*block, layout.size()).iter().all(|&b| b == 0xAB)) };
        }
        for (block, layout) in blocks {
            // SAFETY: allocated above with this layout.
            unsafe { heap.dealloc(block, layout) };
        }
    }

    #[test]
    fn a_block_given_back_and_handed_out_again_is_zeroed_when_asked() {
        let heap = Heap;
        let layout = Layout::from_size_align(64, 8).unwrap();
        // SAFETY: blocks of `layout`, written within it and given back with it.
        unsafe {
            let first = heap.alloc(layout);
            std::ptr::write_bytes(first, 0xCD, 64);
            heap.dealloc(first, layout);
            let again = heap.alloc_zeroed(layout);
            // Unless another test has used the region up meanwhile.
            if in_region(first) {
                assert_eq!(again, first, "the thread's last block, given back, is handed out again");
            }
            assert!(std::slice::from_raw_parts(again, 64).iter().all(|&b| b == 0));
            heap.dealloc(again, layout);
        }
    }

    #[test]
    fn a_thread_sent_elsewhere_takes_nothing_from_the_region() {
        std::thread::spawn(|| {
            elsewhere();
            let block = vec![7u8; 1000];
            assert!(!in_region(block.as_ptr() as *mut u8));
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_grown_block_keeps_its_bytes() {
        let heap = Heap;
        let layout = Layout::from_size_align(16, 8).unwrap();
        // SAFETY: each block is used within its current size and given back with it.
        unsafe {
            let mut block = heap.alloc(layout);
            std::ptr::copy_nonoverlapping(b"0123456789abcdef".as_ptr(), block, 16);
            let mut size = 16;
            for new_size in [40, 1000, SMALL * 3, 17] {
                block = heap.realloc(block, Layout::from_size_align(size, 8).unwrap(), new_size);
                assert_eq!(std::slice::from_raw_parts(block, 16), b"0123456789abcdef");
                size = new_size;
            }
            heap.dealloc(block, Layout::from_size_align(size, 8).unwrap());
        }
    }

    #[test]
    fn strings_and_vectors_on_several_threads_outlast_the_region() {
        // The test binary's allocator is `Heap`. 16 MB in blocks of 200 KB, and small
        // strings, on four threads: the region is used up and mimalloc goes on.
        let made: Vec<(Vec<Vec<u8>>, Vec<String>)> = std::thread::scope(|s| {
            let threads: Vec<_> = (0..4u8)
                .map(|t| {
                    s.spawn(move || {
                        let big: Vec<Vec<u8>> = (0..20).map(|i| vec![t * 20 + i; 200 << 10]).collect();
                        let small: Vec<String> = (0..5000).map(|i| format!("{t}-{i}")).collect();
                        (big, small)
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        assert!(TAKEN.load(Ordering::Relaxed) > REGION - 2 * LARGE, "the region is used up");
        for (t, (big, small)) in made.iter().enumerate() {
            for (i, block) in big.iter().enumerate() {
                assert!(block.iter().all(|&b| b == t as u8 * 20 + i as u8));
            }
            assert_eq!(small[4999], format!("{t}-4999"));
        }
    }

    #[test]
    fn a_class_covers_its_requests_and_its_blocks_cover_it() {
        for size in 1..=LARGE {
            let class = covering(size);
            assert!(capacity(class) >= size && (class == 0 || capacity(class - 1) < size), "covering {size}");
            if let Some(class) = within(size) {
                assert!(capacity(class) <= size, "within {size}");
                assert!(class == CLASSES - 1 || capacity(class + 1) > size, "within {size}: the largest");
            } else {
                assert!(size < GRAIN);
            }
        }
        assert_eq!(capacity(CLASSES - 1), LARGE);
    }

    #[test]
    fn a_block_given_back_serves_the_next_request_of_its_size() {
        // On a thread of its own, which takes its own chunk of the region.
        std::thread::spawn(|| {
            let heap = Heap;
            let (block, last) = (Layout::from_size_align(300, 8).unwrap(), Layout::from_size_align(40, 8).unwrap());
            // SAFETY: blocks of the layouts, written within them and given back with them.
            unsafe {
                let first = heap.alloc(block);
                let after = heap.alloc(last);
                if !in_region(first) || !in_region(after) {
                    return; // another test used the region up
                }
                std::ptr::write_bytes(first, 0xEE, 300);
                heap.dealloc(first, block);
                let same_class = Layout::from_size_align(302, 4).unwrap();
                let again = heap.alloc_zeroed(same_class);
                assert_eq!(again, first, "not the last block, but kept for a request of its class");
                assert!(std::slice::from_raw_parts(again, 302).iter().all(|&b| b == 0), "zeroed when asked");
                heap.dealloc(again, same_class);
                let aligned = Layout::from_size_align(64, 64).unwrap();
                let other = heap.alloc(aligned);
                assert_eq!(other as usize % 64, 0);
                heap.dealloc(other, aligned);
                heap.dealloc(after, last);
            }
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_block_given_back_serves_a_request_a_little_smaller() {
        std::thread::spawn(|| {
            let heap = Heap;
            let layout = |size| Layout::from_size_align(size, 8).unwrap();
            // SAFETY: blocks of the layouts, written within them and given back with them.
            unsafe {
                let first = heap.alloc(layout(700));
                let after = heap.alloc(layout(40));
                if !in_region(first) || !in_region(after) {
                    return; // another test used the region up
                }
                heap.dealloc(first, layout(700));
                // A class smaller: served by the 700 bytes given back.
                let smaller = heap.alloc(layout(690));
                assert_eq!(smaller, first, "a block one or two classes wider serves");
                std::ptr::write_bytes(smaller, 0x5A, 690);
                heap.dealloc(smaller, layout(690));
                // Given back as 690 bytes, it serves no request beyond them.
                let larger = heap.alloc(layout(702));
                assert_ne!(larger, first, "kept by the size it was last asked for");
                let again = heap.alloc_zeroed(layout(680));
                assert_eq!(again, first, "two classes smaller");
                assert!(std::slice::from_raw_parts(again, 680).iter().all(|&b| b == 0), "zeroed when asked");
                // Far smaller requests take fresh memory rather than wide blocks.
                heap.dealloc(again, layout(680));
                let small = heap.alloc(layout(100));
                assert_ne!(small, first, "too wide for 100 bytes");
                for (block, size) in [(small, 100), (larger, 702), (after, 40)] {
                    heap.dealloc(block, layout(size));
                }
            }
        })
        .join()
        .unwrap();
    }
}
