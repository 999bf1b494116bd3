//! Form and query parameters, with RFC 6749's rules: a parameter sent without a value is treated
//! as omitted, and one sent more than once is an error.

/// Parsed `application/x-www-form-urlencoded` pairs, in order.
#[derive(Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

/// A parameter was sent more than once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Repeated(pub(crate) &'static str);

impl Params {
    pub(crate) fn parse(input: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(input)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The parameter's value: `Ok(None)` when absent or empty, `Err` when sent more than once.
    pub(crate) fn get(&self, name: &'static str) -> Result<Option<&str>, Repeated> {
        let mut found = None;
        for (k, v) in &self.0 {
            if k == name {
                if found.is_some() {
                    return Err(Repeated(name));
                }
                found = Some(v.as_str());
            }
        }
        Ok(found.filter(|v| !v.is_empty()))
    }
}

/// The values of cookie `name` in a `Cookie` header (there may be several, with different paths).
pub(crate) fn cookie_values<'a>(
    headers: &'a http::HeaderMap,
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(move |pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k.trim() == name).then(|| v.trim())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_absent_and_repeats_are_errors() {
        let p = Params::parse(b"a=1&b=&c=x%20y&c=z&d=%2B+");
        assert_eq!(p.get("a"), Ok(Some("1")));
        assert_eq!(p.get("b"), Ok(None));
        assert_eq!(p.get("missing"), Ok(None));
        assert_eq!(p.get("c"), Err(Repeated("c")));
        assert_eq!(p.get("d"), Ok(Some("+ ")));
    }

    #[test]
    fn cookies_by_name() {
        let mut h = http::HeaderMap::new();
        h.append(http::header::COOKIE, "a=1; b=2".parse().expect("header"));
        h.append(http::header::COOKIE, "a=3".parse().expect("header"));
        assert_eq!(cookie_values(&h, "a").collect::<Vec<_>>(), ["1", "3"]);
        assert_eq!(cookie_values(&h, "b").collect::<Vec<_>>(), ["2"]);
        assert_eq!(cookie_values(&h, "c").count(), 0);
    }
}
