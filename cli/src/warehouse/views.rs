//! The warehouse views of `sql/views/`, embedded at build time by
//! `cli/build.rs` (DataFusion's `.datafusion.sql` override wins over the
//! shared file): the one source of truth shared with the Postgres extension.

/// One view as `churnkit run` creates it: `CREATE VIEW name AS <sql>`.
#[derive(Debug)]
pub struct ViewFile {
    pub name: &'static str,
    /// The file the SQL came from, e.g. `sql/views/01_account_engagement.sql`.
    pub file: &'static str,
    /// The file's text: the comment header, then one SELECT (no trailing `;`).
    pub sql: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/views.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_is_embedded_in_file_order() {
        let names: Vec<&str> = VIEW_FILES.iter().map(|v| v.name).collect();
        assert_eq!(
            names,
            [
                "account_engagement",
                "support_sla",
                "account_health",
                "accounts_needing_attention",
                "cohort_retention",
                "user_lifecycle",
                "onboarding_funnel",
                "mrr_movements",
                "churn_database",
                "churn_reasons",
                "customer_lifetime",
                "saas_metrics",
            ]
        );
        let lifetime = VIEW_FILES
            .iter()
            .find(|v| v.name == "customer_lifetime")
            .unwrap();
        assert_eq!(
            lifetime.file,
            "sql/views/11_customer_lifetime.datafusion.sql"
        );
        assert!(lifetime.sql.contains("unnest(survival_curve("));
        for v in VIEW_FILES {
            assert!(v.sql.starts_with("--"), "{}: header", v.file);
            assert!(!v.sql.ends_with(';'), "{}", v.file);
            assert!(v.sql.to_ascii_uppercase().contains("SELECT"), "{}", v.file);
        }
    }

    #[test]
    fn the_report_reads_existing_views() {
        for name in crate::report::VIEWS {
            assert!(
                VIEW_FILES.iter().any(|v| v.name == *name),
                "report::VIEWS names {name}, which is not a view"
            );
        }
    }
}
