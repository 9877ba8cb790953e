//! [`ParamCache`]: a text parameter of an aggregate (granularity, mode),
//! parsed once and cached against the last text seen. Both engines' adapters
//! use it, so a constant parameter costs one length check and, when not
//! empty, one byte comparison per row.

/// The last parameter text parsed and its value. The text is copied into a
/// reused buffer only when it changes; errors are not cached.
#[derive(Clone, Debug)]
pub struct ParamCache<V> {
    text: Vec<u8>,
    value: Option<V>,
}

impl<V> Default for ParamCache<V> {
    fn default() -> Self {
        ParamCache {
            text: Vec::new(),
            value: None,
        }
    }
}

impl<V: Copy> ParamCache<V> {
    /// The value of `text`: cached, or parsed by `parse`. Text that is not
    /// UTF-8 (only Postgres can pass it) reaches `parse` with replacement
    /// characters, so the parser's message names it.
    #[inline]
    pub fn get(
        &mut self,
        text: &[u8],
        parse: impl FnOnce(&str) -> crate::Result<V>,
    ) -> crate::Result<V> {
        if let Some(v) = self.value {
            // An empty text (the funnel's default mode '') never reaches
            // memcmp: an empty buffer's pointer is dangling, and glibc's
            // AVX-512 memcmp loads from it under a zero mask, which costs a
            // microcode assist per row (a third of a funnel's time).
            if self.text.len() == text.len() && (text.is_empty() || self.text == text) {
                return Ok(v);
            }
        }
        self.parse(text, parse)
    }

    #[cold]
    #[inline(never)]
    fn parse(
        &mut self,
        text: &[u8],
        parse: impl FnOnce(&str) -> crate::Result<V>,
    ) -> crate::Result<V> {
        let v = parse(&String::from_utf8_lossy(text))?;
        self.text.clear();
        self.text.extend_from_slice(text);
        self.value = Some(v);
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChurnError;
    use std::cell::Cell;

    #[test]
    fn parses_once_per_distinct_text_and_never_caches_an_error() {
        let calls = Cell::new(0);
        let parse = |s: &str| {
            calls.set(calls.get() + 1);
            if s == "bad" {
                Err(ChurnError::new("f", "mode", "bad"))
            } else {
                Ok(s.len())
            }
        };
        let mut c = ParamCache::default();
        assert_eq!(c.get(b"", parse).unwrap(), 0);
        assert_eq!(c.get(b"", parse).unwrap(), 0);
        assert_eq!(calls.get(), 1, "the empty text is cached too");
        assert_eq!(c.get(b"month", parse).unwrap(), 5);
        assert_eq!(c.get(b"month", parse).unwrap(), 5);
        assert_eq!(
            c.get(b"week!", parse).unwrap(),
            5,
            "same length, other text"
        );
        assert_eq!(calls.get(), 3);
        assert!(c.get(b"bad", parse).is_err());
        assert!(c.get(b"bad", parse).is_err());
        assert_eq!(calls.get(), 5, "errors are parsed again");
        assert_eq!(c.get(b"week!", parse).unwrap(), 5);
        assert_eq!(calls.get(), 5, "an error keeps the last good value");
        assert_eq!(c.get(b"\xff", parse).unwrap(), "\u{fffd}".len());
    }
}
