//! Positioned pages: what the layout produces and the PDF writer draws.
//! Lengths are points; `y` grows downwards from the top of the page.

use crate::theme::Color;

/// An index into `Document::faces`.
pub type FaceId = usize;

#[derive(Clone, Debug)]
pub struct Glyph {
    pub id: u16,
    /// Offset from the run's origin.
    pub x: f32,
    /// Distance to the next glyph's origin, kerning included.
    pub advance: f32,
    /// Raised above the baseline by this much (an Arabic vowel mark on its letter).
    pub rise: f32,
    /// The characters this glyph shows, for text extraction ("fi" for a ligature).
    pub text: GlyphText,
}

/// The characters a glyph shows: one letter, or the few of a ligature or a cluster,
/// kept in the glyph itself. Every glyph of a shaped word and of a line set carries
/// its text; as a `String`, the three-page sample's 11,000 of them were an allocation
/// and a copy each.
#[derive(Clone, Default)]
pub struct GlyphText(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Long(Box<str>),
}

/// The longest text kept inline: with its length and the variant's tag, a glyph's
/// text takes the 24 bytes a `String` takes.
const INLINE: usize = 22;
const _: () = assert!(std::mem::size_of::<GlyphText>() == 24);

impl Default for Repr {
    fn default() -> Self {
        Repr::Inline { len: 0, bytes: [0; INLINE] }
    }
}

impl GlyphText {
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // SAFETY: `bytes[..len]` is only ever a whole `&str` copied in (`From<&str>`).
            // Checking it again cost as much as the copy saved, read for every glyph.
            Repr::Inline { len, bytes } => unsafe { std::str::from_utf8_unchecked(&bytes[..usize::from(*len)]) },
            Repr::Long(text) => text,
        }
    }
}

impl From<&str> for GlyphText {
    fn from(text: &str) -> Self {
        if text.len() > INLINE {
            return GlyphText(Repr::Long(text.into()));
        }
        let mut bytes = [0; INLINE];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        GlyphText(Repr::Inline { len: text.len() as u8, bytes })
    }
}

impl From<char> for GlyphText {
    fn from(c: char) -> Self {
        GlyphText::from(&*c.encode_utf8(&mut [0; 4]))
    }
}

impl std::ops::Deref for GlyphText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for GlyphText {
    fn eq(&self, other: &GlyphText) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for GlyphText {}

impl PartialEq<&str> for GlyphText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Debug for GlyphText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

#[derive(Clone, Debug)]
pub enum Item {
    /// Glyphs of one face and size on one baseline at `y`.
    Text {
        face: FaceId,
        size: f32,
        color: Color,
        x: f32,
        y: f32,
        glyphs: Vec<Glyph>,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Color,
    },
    Polygon {
        points: Vec<(f32, f32)>,
        color: Color,
    },
    Image {
        image: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        /// Radius of its rounded corners (half the side: a circle), drawn as a clip.
        corner: f32,
    },
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        uri: String,
    },
}

impl Item {
    pub fn shift(&mut self, dx: f32, dy: f32) {
        match self {
            Item::Text { x, y, .. } | Item::Rect { x, y, .. } | Item::Image { x, y, .. } | Item::Link { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Item::Polygon { points, .. } => points.iter_mut().for_each(|p| {
                p.0 += dx;
                p.1 += dy;
            }),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
}

/// A font program, as the PDF writer embeds it (it subsets it to the glyphs used).
#[derive(Clone, Debug)]
pub struct Face {
    pub postscript_name: String,
    pub bytes: &'static [u8],
}

/// An image ready to embed: JPEG data (colour or grey) at print resolution, and
/// the coverage of each pixel (a soft mask) when it is not a plain rectangle.
#[derive(Clone, Debug)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
    pub gray: bool,
    /// One byte a pixel, row by row, zlib-compressed as a PDF's `FlateDecode` reads
    /// it: compressed once, where the photo is prepared (and then kept in the cache
    /// of prepared photos), not in every render.
    pub alpha: Option<Vec<u8>>,
}

#[derive(Clone, Debug)]
pub struct Bookmark {
    pub title: String,
    /// 0-based page index.
    pub page: usize,
    /// Top of the bookmarked row, from the top of the page.
    pub y: f32,
}

#[derive(Clone, Debug, Default)]
pub struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    pub lang: String,
}

#[derive(Clone, Debug, Default)]
pub struct Document {
    pub pages: Vec<Page>,
    pub faces: Vec<Face>,
    pub images: Vec<Image>,
    pub outline: Vec<Bookmark>,
    pub meta: Metadata,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glyph_text_gives_back_what_it_was_made_of() {
        // A letter, a ligature, an Arabic cluster, and one longer than is kept inline.
        for text in ["a", "ffi", "لا", "", "a cluster of twenty-three+ bytes"] {
            let kept = GlyphText::from(text);
            assert_eq!(kept.as_str(), text);
            assert_eq!(kept.clone(), GlyphText::from(text));
        }
        assert_eq!(GlyphText::from('é'), "é");
        assert_ne!(GlyphText::from("fi"), GlyphText::from("f"));
    }
}
