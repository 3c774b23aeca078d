//! Reading the CSV files officers upload (contributions, partner events): a fixed header line,
//! then data lines of exactly its columns, each with its line number; the problems every such
//! file can have — unreadable, wrong header, empty, wrong column count — with stable codes.

use std::io::Read;

use csv::StringRecord;
use ltci_shared::messages as m;
use ltci_shared::text::Text;

/// What is wrong with a line of the file, before its columns are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// The line's number (1 for the header).
    pub line: u64,
    /// `line` or `header`.
    pub column: &'static str,
    pub code: &'static str,
    pub message: Text,
}

/// The data lines of a CSV file with a fixed header, trimmed. An unreadable line, a wrong header
/// or an empty file ends the reading; a line of the wrong column count is reported and skipped.
pub struct CsvLines<R: Read> {
    reader: csv::Reader<R>,
    header: &'static [&'static str],
    seen_header: bool,
    done: bool,
}

impl<R: Read> std::fmt::Debug for CsvLines<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvLines").field("header", &self.header).field("done", &self.done).finish_non_exhaustive()
    }
}

impl<R: Read> CsvLines<R> {
    pub fn new(input: R, header: &'static [&'static str]) -> CsvLines<R> {
        let reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(input);
        CsvLines { reader, header, seen_header: false, done: false }
    }

    /// The input, where the reading stopped.
    pub fn into_inner(self) -> R {
        self.reader.into_inner()
    }

    fn stop(
        &mut self,
        line: u64,
        column: &'static str,
        code: &'static str,
        message: Text,
    ) -> Option<<Self as Iterator>::Item> {
        self.done = true;
        Some(Err(LineProblem { line, column, code, message }))
    }
}

impl<R: Read> Iterator for CsvLines<R> {
    type Item = Result<(u64, StringRecord), LineProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut record = StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) if self.seen_header => {
                    self.done = true;
                    return None;
                }
                Ok(false) => {
                    let message = m::csv_empty_file(self.header.join(","));
                    return self.stop(1, "header", "empty_file", message);
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    return self.stop(line, "line", "unreadable", m::csv_unreadable());
                }
            }
            let line = record.position().map_or(0, |p| p.line());
            if !self.seen_header {
                self.seen_header = true;
                if record.iter().map(|f| f.trim_start_matches('\u{feff}')).ne(self.header.iter().copied()) {
                    let message = m::csv_header(self.header.join(","));
                    return self.stop(line, "header", "invalid_header", message);
                }
                continue;
            }
            if record.len() != self.header.len() {
                let message = m::csv_column_count(record.len(), self.header.len());
                return Some(Err(LineProblem { line, column: "line", code: "wrong_column_count", message }));
            }
            return Some(Ok((line, record)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &[&str] = &["a", "b"];

    /// A line's number and columns, or its number and problem code.
    type Outcome = Result<(u64, Vec<String>), (u64, &'static str)>;

    fn read(text: &str) -> Vec<Outcome> {
        CsvLines::new(text.as_bytes(), HEADER)
            .map(|r| r.map(|(n, rec)| (n, rec.iter().map(str::to_owned).collect())).map_err(|p| (p.line, p.code)))
            .collect()
    }

    #[test]
    fn lines_come_numbered_and_problems_with_their_codes() {
        let ok = |n: u64, a: &str, b: &str| Ok((n, vec![a.to_owned(), b.to_owned()]));
        assert_eq!(
            read("\u{feff}a,b\n1, 2\n3\n4,5\n"),
            [ok(2, "1", "2"), Err((3, "wrong_column_count")), ok(4, "4", "5")]
        );
        assert_eq!(read(""), [Err((1, "empty_file"))]);
        assert_eq!(read("a,c\n1,2\n"), [Err((1, "invalid_header"))]);
        assert_eq!(read("a,b\n").len(), 0);
    }
}
