//! A results folder in memory ([`ResultsFolder`]): relative path → file text, as the writers in
//! `crate::output` produce it and as the report reads it (docs/MODEL.md §10 Output files). Tells
//! the three kinds of folder apart ([`kind`]) and gathers exactly the files a report reads from
//! wherever they are stored ([`ResultsFolder::gather`]). Pure: the caller supplies the reading.

use serde::Deserialize;
use std::collections::BTreeMap;
use thiserror::Error;

/// A results folder in memory: relative path (e.g. `"summary.json"`, `"baseline/timeseries.csv"`,
/// `"comparison.json"`) → file text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResultsFolder {
    /// The files, by path relative to the folder, `/`-separated.
    pub files: BTreeMap<String, String>,
}

/// Why a results folder cannot be gathered or read. Every message names the file concerned.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FolderError {
    /// None of the files that identify a results folder is there.
    #[error(
        "not a votelab results folder: it has no summary.json (run), comparison.json (compare), sweep.json (sweep) \
         or robustness.json (robustness)"
    )]
    NotResults,
    /// The folder is one shard of a sweep, which has no summary yet.
    #[error(
        "this is one shard of a sweep or robustness run (shard.txt); join the shards with `votelab merge` and report \
         on the result"
    )]
    Shard,
    /// A file that is needed is missing.
    #[error("{0} is missing")]
    Missing(String),
    /// A file could not be read.
    #[error("cannot read {file}: {message}")]
    Read {
        /// The file, relative to the folder.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// A file is malformed.
    #[error("{file}: {message}")]
    Bad {
        /// The file, relative to the folder.
        file: String,
        /// What is wrong with it.
        message: String,
    },
}

/// The three kinds of results folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `votelab run`: `summary.json` and its companions.
    Run,
    /// `votelab compare`: `comparison.json` and one subfolder per scenario.
    Comparison,
    /// `votelab sweep` or `merge`: `sweep.json`, `points.csv`, `sweep.csv`.
    Sweep,
    /// `votelab robustness` or `merge`: `robustness.json` (which holds everything the report
    /// draws).
    Robustness,
}

/// Files at the top of a results folder that a report may read.
pub const TOP_LEVEL: &[&str] = &[
    "comparison.json",
    "sweep.json",
    "robustness.json",
    "points.csv",
    "sweep.csv",
    "shard.txt",
    "summary.json",
    "timeseries.csv",
    "elections.csv",
    "scenario.ron",
];

/// Files of each scenario's subfolder in a comparison that a report reads.
pub const PER_SCENARIO: &[&str] = &["summary.json", "timeseries.csv", "elections.csv", "scenario.ron"];

impl ResultsFolder {
    /// An empty folder.
    pub fn new() -> ResultsFolder {
        ResultsFolder::default()
    }

    /// Add (or replace) a file.
    pub fn insert(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files.insert(path.into(), text.into());
    }

    /// The text of a file, if present.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// The text of a file that is needed.
    pub fn require(&self, path: &str) -> Result<&str, FolderError> {
        self.get(path).ok_or_else(|| FolderError::Missing(path.to_string()))
    }

    /// Collect exactly the files a report reads, asking `read` for each relative path (`Ok(None)`:
    /// the file is absent). For a comparison, the scenario subfolders are named by
    /// `comparison.json`; a name that is not a plain folder name is refused.
    pub fn gather(mut read: impl FnMut(&str) -> Result<Option<String>, String>) -> Result<ResultsFolder, FolderError> {
        let mut folder = ResultsFolder::new();
        let mut fetch = |folder: &mut ResultsFolder, path: &str| -> Result<(), FolderError> {
            match read(path) {
                Ok(Some(text)) => folder.insert(path, text),
                Ok(None) => {}
                Err(message) => return Err(FolderError::Read { file: path.to_string(), message }),
            }
            Ok(())
        };
        for path in TOP_LEVEL {
            fetch(&mut folder, path)?;
        }
        if kind(&folder)? == Kind::Comparison {
            for name in comparison_names(folder.require("comparison.json")?)? {
                for file in PER_SCENARIO {
                    fetch(&mut folder, &format!("{name}/{file}"))?;
                }
            }
        }
        Ok(folder)
    }
}

/// What kind of results folder this is, from the files present.
pub fn kind(folder: &ResultsFolder) -> Result<Kind, FolderError> {
    if folder.get("comparison.json").is_some() {
        Ok(Kind::Comparison)
    } else if folder.get("shard.txt").is_some() {
        Err(FolderError::Shard)
    } else if folder.get("robustness.json").is_some() {
        Ok(Kind::Robustness)
    } else if folder.get("sweep.json").is_some() {
        Ok(Kind::Sweep)
    } else if folder.get("summary.json").is_some() {
        Ok(Kind::Run)
    } else {
        Err(FolderError::NotResults)
    }
}

/// The scenario names of `comparison.json` (the `name` of each of its `scenarios`; the rest of
/// the file is not checked here), each checked to be a plain folder name.
pub fn comparison_names(text: &str) -> Result<Vec<String>, FolderError> {
    /// The part of `comparison.json` that names the subfolders.
    #[derive(Deserialize)]
    struct Names {
        scenarios: Vec<Named>,
    }
    #[derive(Deserialize)]
    struct Named {
        name: String,
    }
    let file = "comparison.json";
    let bad = |message: String| FolderError::Bad { file: file.to_string(), message };
    let doc: Names = super::files::parse_json(text).map_err(bad)?;
    let mut names = Vec::new();
    for Named { name } in doc.scenarios {
        if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
            return Err(bad(format!("scenario name {name:?} is not a folder name")));
        }
        names.push(name);
    }
    if names.is_empty() {
        return Err(bad("no scenarios".to_string()));
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_of_folder_follows_its_files() {
        let mut folder = ResultsFolder::new();
        assert_eq!(kind(&folder), Err(FolderError::NotResults));
        folder.insert("summary.json", "{}");
        assert_eq!(kind(&folder), Ok(Kind::Run));
        folder.insert("sweep.json", "{}");
        assert_eq!(kind(&folder), Ok(Kind::Sweep));
        folder.insert("robustness.json", "{}");
        assert_eq!(kind(&folder), Ok(Kind::Robustness));
        folder.insert("shard.txt", "0/2\n");
        assert_eq!(kind(&folder), Err(FolderError::Shard));
        folder.insert("comparison.json", "{}");
        assert_eq!(kind(&folder), Ok(Kind::Comparison));
    }

    #[test]
    fn gather_reads_only_known_files_and_the_comparisons_subfolders() {
        let mut asked = Vec::new();
        let folder = ResultsFolder::gather(|path| {
            asked.push(path.to_string());
            Ok(match path {
                "comparison.json" => Some(r#"{"scenarios": [{"name": "a"}, {"name": "b"}]}"#.to_string()),
                "a/summary.json" => Some("{}".to_string()),
                _ => None,
            })
        })
        .unwrap();
        assert_eq!(folder.files.keys().collect::<Vec<_>>(), vec!["a/summary.json", "comparison.json"]);
        assert!(asked.contains(&"b/timeseries.csv".to_string()));
        assert!(asked.iter().all(|p| TOP_LEVEL.contains(&p.as_str()) || p.starts_with("a/") || p.starts_with("b/")));
        let traversal = ResultsFolder::gather(|path| {
            Ok((path == "comparison.json").then(|| r#"{"scenarios": [{"name": ".."}]}"#.to_string()))
        });
        assert!(matches!(traversal, Err(FolderError::Bad { .. })));
        let unreadable = ResultsFolder::gather(|_| Err("permission denied".into()));
        assert!(unreadable.unwrap_err().to_string().contains("permission denied"));
    }

    #[test]
    fn comparison_names_must_be_plain_folder_names() {
        assert_eq!(comparison_names(r#"{"scenarios": [{"name": "a"}, {"name": "b"}]}"#).unwrap(), vec!["a", "b"]);
        for bad in ["../x", "a/b", ".hidden", ""] {
            let text = format!(r#"{{"scenarios": [{{"name": {bad:?}}}]}}"#);
            assert!(comparison_names(&text).is_err(), "{bad}");
        }
        assert!(comparison_names("[1, 2").is_err());
        assert!(comparison_names(r#"{"scenarios": []}"#).is_err());
    }
}
