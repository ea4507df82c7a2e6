//! A photo prepared for one frame, or being prepared, shared by the whole process.

use std::sync::{Arc, Condvar, Mutex};

use crate::frame::Image;

/// A prepared photo, shared by every variant of a batch (and every save in watch
/// mode while the file is unchanged): decoding, cropping and encoding it is most of
/// the time of a render, and every language and most themes print it the same way.
/// The first to ask for a file and frame claims its slot and prepares it; the others
/// wait for it rather than repeat it.
#[derive(Default)]
pub(super) struct Slot {
    state: Mutex<State>,
    filled: Condvar,
}

#[derive(Default)]
enum State {
    #[default]
    Free,
    Claimed,
    Ready(Result<Image, String>),
}

/// The right and duty to fill a slot: dropped unfilled (a panic while preparing),
/// it fills the slot with an error, so that no one waits for ever.
pub(super) struct Claim(Arc<Slot>);

impl Slot {
    pub(super) fn claim(self: &Arc<Self>) -> Option<Claim> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        matches!(*state, State::Free).then(|| {
            *state = State::Claimed;
            Claim(self.clone())
        })
    }

    pub(super) fn wait(&self) -> Result<Image, String> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match &*state {
                State::Ready(prepared) => return prepared.clone(),
                _ => state = self.filled.wait(state).unwrap_or_else(|e| e.into_inner()),
            }
        }
    }
}

impl Claim {
    pub(super) fn fill(self, prepared: Result<Image, String>) {
        self.set(prepared);
    }

    fn set(&self, prepared: Result<Image, String>) {
        *self.0.state.lock().unwrap_or_else(|e| e.into_inner()) = State::Ready(prepared);
        self.0.filled.notify_all();
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        let claimed = matches!(*self.0.state.lock().unwrap_or_else(|e| e.into_inner()), State::Claimed);
        if claimed {
            self.set(Err("the photo could not be prepared (an internal error; please report it)".to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_given_up_unfilled_fails_its_waiters_rather_than_hang_them() {
        let slot = Arc::new(Slot::default());
        let claim = slot.claim().unwrap();
        assert!(slot.claim().is_none(), "claimed once");
        let giving_up = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            drop(claim);
        });
        let err = slot.wait().unwrap_err();
        assert!(err.contains("internal error"), "{err}");
        giving_up.join().unwrap();
    }
}
