//! The templating engine every library is compiled with: strict handlebars
//! registries (plain text never escaped, HTML always escaped), strict `if` and
//! `unless`, and the output formats layouts are written for.

use crate::error::{Error, Result, hint};
use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, JsonTruthy, Output, RenderContext, RenderErrorReason,
    Renderable,
};
use serde::{Deserialize, Serialize};

/// Output format of a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Format {
    /// Plain text: nothing is escaped.
    #[default]
    Text,
    /// Markdown.
    Markdown,
    /// A standalone HTML page: every value is escaped.
    Html,
    /// The plain-text letter with its block spans and findings, as JSON.
    Json,
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        match s {
            "text" | "txt" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            "json" => Ok(Format::Json),
            other => Err(Error::Value {
                what: "format",
                value: other.to_string(),
                problem: format!(
                    "use text, markdown, html or json{}",
                    hint(other, ["text", "markdown", "html", "json"])
                ),
            }),
        }
    }
}

/// `if` and `unless` that fail in strict mode when their condition names a field that
/// does not exist, instead of being silently false.
#[derive(Clone, Copy)]
struct StrictIf {
    positive: bool,
}

impl HelperDef for StrictIf {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let name = if self.positive { "if" } else { "unless" };
        let param = h.param(0).ok_or(RenderErrorReason::ParamNotFoundForIndex(name, 0))?;
        if param.is_value_missing() {
            return Err(RenderErrorReason::MissingVariable(param.relative_path().cloned()).into());
        }
        let truthy = param.value().is_truthy(false) == self.positive;
        match if truthy { h.template() } else { h.inverse() } {
            Some(t) => t.render(r, ctx, rc, out),
            None => Ok(()),
        }
    }
}

/// A strict registry; `html` escapes every value, otherwise nothing is escaped.
pub(crate) fn registry(html: bool) -> Handlebars<'static> {
    let mut h = Handlebars::new();
    h.set_strict_mode(true);
    h.set_prevent_indent(true);
    if !html {
        h.register_escape_fn(handlebars::no_escape);
    }
    h.register_helper("if", Box::new(StrictIf { positive: true }));
    h.register_helper("unless", Box::new(StrictIf { positive: false }));
    h
}

pub(crate) fn layout_key(name: &str, format: Format) -> String {
    let ext = match format {
        Format::Text | Format::Json => "txt",
        Format::Markdown => "md",
        Format::Html => "html",
    };
    format!("layout:{name}.{ext}")
}
