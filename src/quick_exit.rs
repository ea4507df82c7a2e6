//! Ending the process as soon as its output is in place.
//!
//! Taking a process's memory down (15 MB mapped after a render: the binary's pages,
//! the heap, the page tables) took the kernel 1.0-1.6 ms, after `_exit` and before
//! the shell or the editor that waits for cvpdf learnt that it had ended: a tenth of
//! a render. On Linux the address space is handed to a process of its own (sharing
//! the memory, holding no file open) that outlives this one: this process's exit
//! then only lets go of the memory, and the taking down is done by that process,
//! which nobody waits for. (mold, the linker, hides its clean-up the same way.)

/// Ends the process at once with `code`, once every PDF is in place and every message
/// printed. What is left is memory the system takes back anyway; freeing it first (the
/// font books and word caches, then the allocator handing its pages back) cost about a
/// twentieth of a render. A thread still at work (a speculative load of hyphenation
/// patterns) writes nothing.
pub fn exit_now(code: u8) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    #[cfg(target_os = "linux")]
    hand_over_memory();
    // SAFETY: `_exit` ends the process without running destructors or exit handlers.
    unsafe { libc::_exit(i32::from(code)) }
}

/// Starts a process that shares this one's memory and waits for this one to end; it
/// then ends too, the last to use the memory, and takes it down. Nothing is handed
/// over when the process cannot be made: this one takes its memory down, as usual.
#[cfg(target_os = "linux")]
fn hand_over_memory() {
    // Valgrind runs no process that shares memory without being a thread: it stops
    // the program, with a failure. Under it (its preloaded library tells) this process
    // takes its memory down itself.
    if std::env::var_os("LD_PRELOAD").is_some_and(|p| p.to_string_lossy().contains("vgpreload")) {
        return;
    }
    const STACK: usize = 16 * 1024;
    let mut ends = [0; 2];
    // SAFETY: plain system calls on memory and descriptors this function owns. The
    // process made runs `linger` on a stack of its own and makes system calls only:
    // it touches none of the memory this process goes on using before it ends.
    unsafe {
        if libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC) != 0 {
            return;
        }
        let stack = libc::mmap(
            std::ptr::null_mut(),
            STACK,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK,
            -1,
            0,
        );
        if stack == libc::MAP_FAILED {
            return;
        }
        let top = stack.cast::<u8>().add(STACK).cast::<libc::c_void>();
        let read_end = ends[0] as usize as *mut libc::c_void;
        // CLONE_VM without CLONE_THREAD: another process on the same memory, with a
        // copy of this one's descriptors, which it closes; SIGCHLD so that whoever
        // adopts it reaps it.
        libc::clone(linger, top, libc::CLONE_VM | libc::SIGCHLD, read_end);
    }
}

/// The lingering process: closes every descriptor but the pipe's read end (a
/// caller reading cvpdf's output sees it end with this process), waits for the read
/// to fail or end, which it does when the last writer (this process, as it ends)
/// closes the pipe, then ends.
#[cfg(target_os = "linux")]
extern "C" fn linger(read_end: *mut libc::c_void) -> libc::c_int {
    let fd = read_end as usize as libc::c_uint;
    // SAFETY: system calls on this process's own descriptors, through `syscall`: the
    // only memory it writes besides the stack is `errno`, the making thread's, which
    // that thread, calling `_exit`, reads no more.
    unsafe {
        if fd > 0 {
            close_all(0, fd - 1);
        }
        close_all(fd + 1, libc::c_uint::MAX);
        let mut byte = 0u8;
        libc::syscall(libc::SYS_read, fd, &raw mut byte, 1);
        libc::syscall(libc::SYS_exit, 0);
    }
    0
}

/// Closes descriptors `first..=last`, with one call where the kernel has it (5.9).
#[cfg(target_os = "linux")]
unsafe fn close_all(first: libc::c_uint, last: libc::c_uint) {
    // SAFETY: closing descriptors of the calling process.
    unsafe {
        if libc::syscall(libc::SYS_close_range, first, last, 0) != 0 {
            for fd in first..=last.min(first.saturating_add(1024)) {
                libc::syscall(libc::SYS_close, fd);
            }
        }
    }
}
