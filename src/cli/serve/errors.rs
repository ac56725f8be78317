//! Error answers of the workshop API: a status code and a JSON body `{"error": message}`, plus,
//! for scenario problems, each problem with its file, line, column, field path, what was
//! expected and a suggestion (the same information the command line prints) and the plain-text
//! rendering the command line would show. Reads errors; writes HTTP responses.

use crate::scenario::{Problem, ScenarioError};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One scenario problem as JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProblemJson {
    /// The file (e.g. `upload.ron`, `<built-in baseline>` or `--set regulation.x`), if located.
    pub source: Option<String>,
    /// 1-based line, if located.
    pub line: Option<usize>,
    /// 1-based column (in characters), if located.
    pub column: Option<usize>,
    /// The field path, e.g. `population.cohorts[1].share`; empty for the whole file.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What a valid value looks like.
    pub expected: Option<String>,
    /// How to fix it, e.g. the nearest valid name.
    pub help: Option<String>,
    /// The line of the source the problem points at, if located.
    pub snippet: Option<String>,
}

impl ProblemJson {
    /// A problem, with the line it points at taken from the error's sources.
    pub fn of(problem: &Problem, error: &ScenarioError) -> ProblemJson {
        let origin = problem.origin.as_ref();
        let snippet = origin.and_then(|o| {
            error.source_text(&o.source).and_then(|text| text.lines().nth(o.line.saturating_sub(1))).map(str::to_string)
        });
        ProblemJson {
            source: origin.map(|o| o.source.to_string()),
            line: origin.map(|o| o.line),
            column: origin.map(|o| o.col),
            path: problem.path.clone(),
            message: problem.message.clone(),
            expected: problem.expected.clone(),
            help: problem.help.clone(),
            snippet,
        }
    }
}

/// An error answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiError {
    /// The HTTP status.
    #[serde(skip)]
    pub status: StatusCode,
    /// One sentence for people.
    pub error: String,
    /// Scenario problems, if that is what went wrong.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ProblemJson>,
    /// The problems as the command line prints them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Seconds after which to try again (429).
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

impl ApiError {
    /// An error with a status and a message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, error: message.into(), problems: Vec::new(), text: None, retry_after: None }
    }

    /// 400: the request cannot be read.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 422: the request was read but asks for something invalid.
    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// 409: not possible in the job's current state.
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    /// 500, for what should not happen.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// 422 with every problem of a scenario.
    pub fn scenario(error: &ScenarioError) -> ApiError {
        let n = error.problems.len();
        let mut e = ApiError::unprocessable(match error.problems.as_slice() {
            [only] => format!("the scenario cannot be used: {only}"),
            _ => format!("the scenario cannot be used: {n} problems found"),
        });
        e.problems = error.problems.iter().map(|p| ProblemJson::of(p, error)).collect();
        e.text = Some(crate::cli::diagnostics::render_plain(error));
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(&self)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::tree::Origin;

    #[test]
    fn a_located_problem_carries_its_line_of_text() {
        let problem = Problem::new("netwrok", "unknown field `netwrok`")
            .expected("one of `network`, ...")
            .help("did you mean `network`?")
            .at(Origin::new("upload.ron", 2, 5));
        let error = ScenarioError {
            problems: vec![problem],
            sources: vec![("upload.ron".into(), "Scenario(\n    netwrok: Network(),\n)".into())],
        };
        let e = ApiError::scenario(&error);
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        let p = &e.problems[0];
        assert_eq!((p.line, p.column, p.path.as_str()), (Some(2), Some(5), "netwrok"));
        assert_eq!(p.snippet.as_deref(), Some("    netwrok: Network(),"));
        assert!(e.text.unwrap().contains("did you mean `network`?"));
    }
}
