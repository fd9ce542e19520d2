//! Ingest, campaigns and suggest on generated corpora with known answers.

use crate::common;
use crate::synth;

use replydraft::{Corpus, Desk, IngestOptions, Library, parse_date};

#[test]
fn campaigns_recover_known_groups() {
    let messages = synth::campaign_messages(1500, 12, 7);
    let input: Vec<(String, String)> = messages.iter().map(|(n, t, _)| (n.clone(), t.clone())).collect();
    let campaigns = replydraft::campaigns(&input, 0.7);
    let index: std::collections::HashMap<&str, usize> =
        input.iter().enumerate().map(|(i, (n, _))| (n.as_str(), i)).collect();
    let predicted: Vec<Vec<usize>> =
        campaigns.iter().map(|c| c.members.iter().map(|m| index[m.as_str()]).collect()).collect();
    let truth: Vec<Option<usize>> = messages.iter().map(|m| m.2).collect();
    let (precision, recall) = synth::pair_scores(&predicted, &truth);
    println!("campaigns: precision {precision:.4}, recall {recall:.4}, {} groups", campaigns.len());
    assert!(precision >= 0.95 && recall >= 0.95, "precision {precision}, recall {recall}");
    // Largest first.
    assert!(campaigns.windows(2).all(|w| w[0].members.len() >= w[1].members.len()));
}

#[test]
fn ingest_clusters_variants_of_the_same_paragraph() {
    let sources = synth::distinct_sources();
    let letters = synth::letters(400, &sources, 0.03, 11);
    let mut corpus = Corpus::new();
    corpus.add(letters.iter().map(|(n, t, _)| (n.clone(), t.clone())).collect());
    let (l, p, d) = corpus.counts();
    assert_eq!(l, 400);
    assert!(d > sources.len() * 3, "perturbed variants are distinct paragraphs: {d} of {p}");
    let mut options = IngestOptions::new(parse_date("2026-11-22").unwrap());
    options.min_letters = 1;
    let proposed = corpus.propose(&options);
    // Ground truth: the source of each distinct paragraph, found by its best source match.
    let label = |text: &str| {
        let w: Vec<&str> = text.split_whitespace().collect();
        (0..sources.len())
            .max_by(|&a, &b| {
                let r = |i: usize| replydraft::text::word_ratio(&w, &sources[i].split_whitespace().collect::<Vec<_>>());
                r(a).total_cmp(&r(b))
            })
            .unwrap()
    };
    let mut items: Vec<String> = Vec::new();
    let mut predicted: Vec<Vec<usize>> = Vec::new();
    for prop in &proposed {
        let mut g = vec![items.len()];
        items.push(prop.text.clone());
        for &(v, _) in &prop.variants {
            g.push(items.len());
            items.push(corpus.paragraph(v).to_string());
        }
        predicted.push(g);
    }
    let truth: Vec<Option<usize>> = items.iter().map(|t| Some(label(t))).collect();
    let (precision, recall) = synth::pair_scores(&predicted, &truth);
    println!(
        "ingest: {} proposed blocks for {} sources; precision {precision:.4}, recall {recall:.4}",
        proposed.len(),
        sources.len()
    );
    assert!(precision >= 0.95 && recall >= 0.95, "precision {precision}, recall {recall}");
    // The canonical text of each proposal is its most used variant.
    for prop in &proposed {
        assert!(prop.variants.iter().all(|(_, n)| *n <= prop.letters.len()));
    }
}

#[test]
fn ingested_blocks_load_as_a_library_and_match_their_letters() {
    let sources = synth::distinct_sources();
    let letters = synth::letters(60, &sources, 0.0, 3);
    let mut corpus = Corpus::new();
    corpus.add(letters.iter().map(|(n, t, _)| (n.clone(), t.clone())).collect());
    let options = IngestOptions::new(parse_date("2026-11-22").unwrap());
    let proposed = corpus.propose(&options);
    let toml = corpus.to_toml(&proposed, &options);
    assert!(toml.contains("# Used by "));
    let desk = Desk::new(Library::from_files([("ingested.toml".to_string(), toml)]).unwrap());
    let library = desk.library();
    assert_eq!(library.blocks().len(), proposed.len());
    assert!(library.blocks().iter().all(|b| b.status == replydraft::Status::Draft));
    let report = desk.check("l", &letters[0].1, &replydraft::CheckOptions::new(parse_date("2026-11-22").unwrap()));
    let matched = report.paragraphs.iter().filter(|p| p.similarity == 1.0).count();
    assert!(matched >= 3, "{matched} paragraphs matched exactly");
}

#[test]
fn ingest_keeps_template_syntax_in_letters_as_data() {
    let text = "Dear {{recipient.name}} and {{> evil}},\n\nWe will publish the plan {{#if x}} by the end of 2023.\n";
    let mut corpus = Corpus::new();
    corpus.add(vec![("a".into(), text.into()), ("b".into(), text.into())]);
    let options = IngestOptions::new(parse_date("2026-11-22").unwrap());
    let proposed = corpus.propose(&options);
    let library = Library::from_files([("i.toml".to_string(), corpus.to_toml(&proposed, &options))]).unwrap();
    let block = &library.blocks()[1];
    assert!(block.includes.is_empty());
    assert!(block.claims.iter().any(|c| c.quote == "by the end of 2023"), "claim stubs for time phrases");
}

#[test]
fn suggest_ranks_the_right_topic_first_for_each_seed_and_for_new_messages() {
    let desk = Desk::new(Library::embedded().unwrap());
    let recipes = replydraft::golden::load_recipes("seeds/recipes.toml").unwrap();
    for r in recipes {
        let seed = std::fs::read_to_string(format!("seeds/{}", r.seed.unwrap().file)).unwrap();
        let s = desk.suggest(&seed);
        assert_eq!(s[0].topic, r.draft.topic, "{}", r.name);
        assert!(s.len() < 2 || s[0].score > s[1].score);
    }
    let cases = [
        (
            "Why has the Government still not published the kinship care strategy it promised in Stable Homes, Built on Love?",
            "care-strategy",
        ),
        (
            "My adopted daughter is Black and we faced barriers adopting because of ethnicity. What is being done about racial disparities?",
            "review-disparities",
        ),
        (
            "What did Josh MacAlister's independent review of children's social care recommend for care leavers and foster parents?",
            "care-review",
        ),
    ];
    for (msg, want) in cases {
        assert_eq!(desk.suggest(msg)[0].topic, want, "{msg}");
    }
}

#[test]
fn ingest_cli_output_combines_with_the_default_library() {
    let dir = common::scratch("ingest-cli");
    let out = dir.join("proposed.toml");
    let run = |args: &[&str]| common::replydraft().args(args).output().unwrap();
    let o = run(&["ingest", "tests/letters", "tests/letters", "--as-of", "2026-11-22", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("6 letters"));
    // Alone it loads (blocks only); with the default library, facts and layouts come too.
    let o = run(&["check", "--date", "2026-11-22", "--library", out.to_str().unwrap(), "tests/letters/dentistry.txt"]);
    assert!(o.status.success());
    let o = run(&[
        "check",
        "--date",
        "2026-11-22",
        "--format",
        "json",
        "--library",
        "default",
        "--library",
        out.to_str().unwrap(),
        "tests/letters/dentistry.txt",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let file = &v["files"][0];
    assert!(file["paragraphs"].as_array().unwrap().iter().any(|p| p["similarity"] == 1.0), "ingested blocks match");
    assert!(
        file["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| (f["kind"] == "officeholder" || f["kind"] == "signer") && f["severity"] == "error")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
