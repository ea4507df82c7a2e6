//! The file's bytes from a lopdf document, as lopdf's `save_to` writes them (a
//! cross-reference table, no object streams), byte for byte.
//!
//! lopdf writes every object header, reference, cross-reference entry and hexadecimal
//! digit through `write!`, and every byte of a name through a writer that counts the
//! bytes: 1.0M instructions for the text-only sample, 0.11-0.14 ms at the end of a
//! render, when the other core has nothing left to do. This writes the same bytes into
//! one buffer, numbers by hand, in 0.44M and 0.06 ms; real numbers keep Rust's own
//! formatting, which is lopdf's (and now half of the instructions).
//! `writes_what_lopdf_writes` compares the two.

use lopdf::{Dictionary, Document, Object, StringFormat};

/// The file of `doc`. Sets the trailer's `/Size`, as lopdf does.
pub fn to_bytes(doc: &mut Document) -> Result<Vec<u8>, String> {
    if !matches!(doc.reference_table.cross_reference_type, lopdf::xref::XrefType::CrossReferenceTable) {
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).map_err(|e| e.to_string())?;
        return Ok(bytes);
    }
    let size = doc.max_id + 1;
    // Room for the streams and about as much again for the rest: the buffer is not
    // moved as it grows.
    let streams: usize = doc.objects.values().filter_map(|o| o.as_stream().ok()).map(|s| s.content.len()).sum();
    let mut out = Vec::with_capacity(streams + 16 * 1024 + 64 * doc.objects.len());
    out.extend_from_slice(b"%PDF-");
    out.extend_from_slice(doc.version.as_bytes());
    out.push(b'\n');
    if !doc.binary_mark.iter().all(|&b| b >= 128) {
        return Err("invalid binary mark".into());
    }
    out.push(b'%');
    out.extend_from_slice(&doc.binary_mark);
    out.push(b'\n');

    // Where each object written starts, by number: (offset, generation).
    let mut written: Vec<Option<(usize, u16)>> = vec![None; size as usize];
    for (&(id, generation), object) in &doc.objects {
        if is_structural(object) {
            continue;
        }
        if let Some(slot) = written.get_mut(id as usize) {
            *slot = Some((out.len(), generation));
        }
        decimal(&mut out, u64::from(id));
        out.push(b' ');
        decimal(&mut out, u64::from(generation));
        out.extend_from_slice(b" obj\n");
        if needs_separator(object) {
            out.push(b' ');
        }
        write_object(&mut out, object);
        if needs_end_separator(object) {
            out.push(b' ');
        }
        out.extend_from_slice(b"\nendobj\n");
    }

    let xref_start = out.len();
    out.extend_from_slice(b"xref\n");
    // Sections of consecutive numbers; the first begins with object 0, always free.
    let mut section: Vec<Option<(usize, u16)>> = vec![None];
    let mut first = 0;
    for (id, entry) in written.iter().enumerate().skip(1) {
        if section.is_empty() {
            first = id;
        }
        match *entry {
            Some(entry) => section.push(Some(entry)),
            None if !section.is_empty() => {
                write_section(&mut out, first, &section);
                section.clear();
            }
            None => {}
        }
    }
    write_section(&mut out, first, &section);

    doc.trailer.set("Size", i64::from(size));
    out.extend_from_slice(b"trailer\n");
    write_dictionary(&mut out, &doc.trailer);
    out.extend_from_slice(b"\nstartxref\n");
    decimal(&mut out, xref_start as u64);
    out.extend_from_slice(b"\n%%EOF");
    Ok(out)
}

/// Object streams, cross-reference streams and linearization dictionaries, which a
/// file written whole leaves out (lopdf's test: the object's `/Type`).
fn is_structural(object: &Object) -> bool {
    let dict = match object {
        Object::Dictionary(dict) => dict,
        Object::Stream(stream) => &stream.dict,
        _ => return false,
    };
    match dict.get(b"Type").and_then(Object::as_name) {
        Ok(name) => [b"ObjStm".as_slice(), b"XRef", b"Linearized"].contains(&name),
        Err(_) => dict.has(b"Linearized"),
    }
}

/// A section of the cross-reference table: `None` is object 0's free entry.
fn write_section(out: &mut Vec<u8>, first: usize, entries: &[Option<(usize, u16)>]) {
    if entries.is_empty() {
        return;
    }
    decimal(out, first as u64);
    out.push(b' ');
    decimal(out, entries.len() as u64);
    out.push(b'\n');
    for entry in entries {
        match entry {
            Some((offset, generation)) => {
                digits(out, *offset as u64, 10);
                out.push(b' ');
                digits(out, u64::from(*generation), 5);
                out.extend_from_slice(b" n \n");
            }
            None => out.extend_from_slice(b"0000000000 65535 f \n"),
        }
    }
}

fn needs_separator(object: &Object) -> bool {
    matches!(object, Object::Null | Object::Boolean(_) | Object::Integer(_) | Object::Real(_) | Object::Reference(_))
}

fn needs_end_separator(object: &Object) -> bool {
    needs_separator(object) || matches!(object, Object::Name(_) | Object::Stream(_))
}

fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(n) => {
            if *n < 0 {
                out.push(b'-');
            }
            decimal(out, n.unsigned_abs());
        }
        Object::Real(v) => real(out, *v),
        Object::Name(name) => write_name(out, name),
        Object::String(text, StringFormat::Literal) => write_literal(out, text),
        Object::String(text, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for byte in text {
                out.extend_from_slice(&hex(*byte));
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 && needs_separator(item) {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict),
        Object::Stream(stream) => {
            write_dictionary(out, &stream.dict);
            out.extend_from_slice(b"stream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            decimal(out, u64::from(*id));
            out.push(b' ');
            decimal(out, u64::from(*generation));
            out.extend_from_slice(b" R");
        }
    }
}

fn write_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict {
        write_name(out, key);
        if needs_separator(value) {
            out.push(b' ');
        }
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

/// A name, with white space, delimiters and bytes outside `!`..`~` as `#XX`.
fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    // A `match` rather than lopdf's search of a list of delimiters: that search was a
    // call of `memchr` for every byte of every name, a fifth of this module's time.
    let escaped = |b: u8| {
        matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%' | b'#')
            || !(33..=126).contains(&b)
    };
    out.push(b'/');
    if !name.iter().any(|&b| escaped(b)) {
        out.extend_from_slice(name);
        return;
    }
    for &byte in name {
        if escaped(byte) {
            out.push(b'#');
            out.extend_from_slice(&hex(byte));
        } else {
            out.push(byte);
        }
    }
}

/// A literal string, with backslashes, carriage returns and unbalanced parentheses
/// escaped (balanced ones are left, as lopdf leaves them).
fn write_literal(out: &mut Vec<u8>, text: &[u8]) {
    let mut escaped = vec![false; text.len()];
    let mut open = Vec::new();
    for (i, &byte) in text.iter().enumerate() {
        match byte {
            b'(' => open.push(i),
            b')' if open.pop().is_some() => {}
            b')' | b'\\' | b'\r' => escaped[i] = true,
            _ => {}
        }
    }
    for i in open {
        escaped[i] = true;
    }
    out.push(b'(');
    for (&byte, escaped) in text.iter().zip(escaped) {
        if escaped {
            out.push(b'\\');
            out.push(if byte == b'\r' { b'r' } else { byte });
        } else {
            out.push(byte);
        }
    }
    out.push(b')');
}

/// A byte in two upper-case hexadecimal digits, as the file writes them everywhere.
pub(super) fn hex(byte: u8) -> [u8; 2] {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    [DIGITS[usize::from(byte >> 4)], DIGITS[usize::from(byte & 15)]]
}

/// `v` as Rust's `Display` writes it: its shortest decimal form, never an exponent.
/// A number that is the nearest `f32` to one of at most three decimals (a font's
/// widths, in tenths) is written here directly: the
/// fewest decimals that give `v` back are its shortest form. Through `write!`, the
/// sample's 355 widths took 0.23M instructions.
fn real(out: &mut Vec<u8>, v: f32) {
    // Below 2^24, where every integer is an f32 of its own: above, `Display` pads the
    // shortest digits with zeros rather than write the number's exact value.
    if v.is_sign_positive() && v < 16_777_216.0 {
        let mut scale = 1u64;
        for places in 0..=3 {
            let scaled = (f64::from(v) * scale as f64).round();
            if (scaled / scale as f64) as f32 == v {
                // No trailing zero: with one decimal fewer, `v` would have come back.
                let scaled = scaled as u64;
                decimal(out, scaled / scale);
                if places > 0 {
                    out.push(b'.');
                    digits(out, scaled % scale, places);
                }
                return;
            }
            scale *= 10;
        }
    }
    use std::io::Write;
    let _ = write!(out, "{v}");
}

fn decimal(out: &mut Vec<u8>, n: u64) {
    digits(out, n, 1);
}

/// `n` in decimal, at least `width` digits (leading zeros). Two digits at a time: one
/// at a time, a division and a store each, the page contents' numbers and the
/// cross-reference table took 0.23M instructions.
pub(super) fn digits(out: &mut Vec<u8>, mut n: u64, width: usize) {
    const PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let pair = |n: u64| &PAIRS[2 * n as usize..2 * n as usize + 2];
    let mut buf = [b'0'; 20];
    let mut at = buf.len();
    while n >= 100 {
        at -= 2;
        buf[at..at + 2].copy_from_slice(pair(n % 100));
        n /= 100;
    }
    if n >= 10 {
        at -= 2;
        buf[at..at + 2].copy_from_slice(pair(n));
    } else if n > 0 {
        at -= 1;
        buf[at] = b'0' + n as u8;
    }
    // The rest of the buffer is zeros.
    let at = at.min(buf.len() - width.min(buf.len()));
    out.extend_from_slice(&buf[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    fn lopdf_bytes(doc: &Document) -> Vec<u8> {
        let mut bytes = Vec::new();
        doc.clone().save_to(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn digits_are_decimal_with_leading_zeros_to_the_width() {
        let written = |n: u64, width: usize| {
            let mut out = Vec::new();
            digits(&mut out, n, width);
            String::from_utf8(out).unwrap()
        };
        for n in (0..100_000).chain([u64::MAX, 10u64.pow(19), 99_999_999_999]) {
            for width in [0, 1, 2, 5, 10, 20] {
                let expected = if n == 0 && width == 0 { String::new() } else { format!("{n:0width$}") };
                assert_eq!(written(n, width), expected, "{n} in {width}");
            }
        }
    }

    #[test]
    fn reals_are_written_as_display_writes_them() {
        let written = |v: f32| {
            let mut out = Vec::new();
            real(&mut out, v);
            String::from_utf8(out).unwrap()
        };
        // The nearest f32 to every number of tenths up to 100,000, of hundredths up to
        // 10,000 and of thousandths up to 1,000.
        for scale in [10.0, 100.0, 1000.0] {
            for n in 0..1_000_000u32 {
                let v = (f64::from(n) / scale) as f32;
                assert_eq!(written(v), format!("{v}"), "{n} / {scale}");
            }
        }
        // And any other (a million bit patterns, spread over the finite numbers).
        for bits in (0..u32::MAX).step_by(4_297) {
            let v = f32::from_bits(bits);
            if v.is_finite() {
                assert_eq!(written(v), format!("{v}"), "{v:?}");
            }
        }
        for v in [
            0.0,
            -0.0,
            -0.5,
            -343.3,
            343.30002,
            1e-7,
            0.05,
            3.0e20,
            16_777_217.0,
            1_048_576.5,
            f32::MAX,
            f32::MIN_POSITIVE,
        ] {
            assert_eq!(written(v), format!("{v}"), "{v:?}");
        }
    }

    #[test]
    fn writes_what_lopdf_writes() {
        let mut doc = Document::with_version("1.7");
        doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
        let stream = Stream::new(dictionary! { "Filter" => "FlateDecode" }, b"x\x9c\0\n)(".to_vec());
        let content = doc.add_object(stream);
        let strings = Object::Array(vec![
            Object::string_literal("plain"),
            Object::string_literal("a (balanced) pair"),
            Object::string_literal("unbalanced ) and ( and ((x)"),
            Object::string_literal("back\\slash\rreturn\nnewline"),
            Object::String(vec![0xFE, 0xFF, 0, b'A', 0x20, 0x13], StringFormat::Literal),
            Object::String(vec![0xFE, 0xFF, 0, 0xE9, 0x0A], StringFormat::Hexadecimal),
            Object::String(Vec::new(), StringFormat::Hexadecimal),
        ]);
        let numbers = Object::Array(vec![
            Object::Integer(0),
            Object::Integer(-42),
            Object::Integer(i64::MAX),
            Object::Integer(i64::MIN),
            Object::Real(595.27606),
            Object::Real(-0.5),
            Object::Real(1000.0),
            Object::Real(0.0000001),
            Object::Real(3.0e20),
            Object::Null,
            Object::Boolean(true),
            Object::Boolean(false),
            Object::Reference((content.0, 0)),
            Object::Name(b"Name".to_vec()),
            Object::Array(Vec::new()),
        ]);
        let names = Object::Array(vec![
            Object::Name(b"A B".to_vec()),
            Object::Name(b"x#y/z(1)".to_vec()),
            Object::Name("é".as_bytes().to_vec()),
            Object::Name(Vec::new()),
        ]);
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Contents" => content,
            "Strings" => strings,
            "Numbers" => numbers,
            "Names" => names,
            "Nested" => dictionary! { "Deep" => dictionary! { "Empty" => Dictionary::new() } },
        });
        // Numbers left unused make sections in the table; a cross-reference stream
        // and a linearization dictionary are left out.
        doc.max_id += 3;
        doc.objects.insert((doc.max_id, 2), Object::Integer(7));
        doc.add_object(Object::Real(2.5));
        doc.add_object(Stream::new(dictionary! { "Type" => "XRef" }, vec![1, 2]));
        doc.add_object(dictionary! { "Linearized" => 1 });
        doc.add_object(Object::Name(b"Last".to_vec()));
        doc.trailer.set("Root", page);
        doc.trailer.set("ID", Object::Array(vec![Object::String(vec![0; 8], StringFormat::Hexadecimal); 2]));
        let expected = lopdf_bytes(&doc);
        let written = to_bytes(&mut doc).unwrap();
        assert!(String::from_utf8_lossy(&written).contains("\nxref\n0 3\n0000000000 65535 f \n"));
        assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&expected));
        assert_eq!(written, expected);
    }
}
