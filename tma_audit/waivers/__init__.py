"""Liability waivers: the register that audits honour, and the PDF drafts to sign.

- `waiver`, `register_file`: a register's records, and reading the register file (YAML);
- `matching`, `expiry`, `register`: which findings a waiver covers, whether it is in
  force, and `apply_waivers` (pure, called by `run_audit`);
- `lint`: what is wrong or about to expire in a register; `listing`: the register as a table;
- `drafts`, `settings`, `pdf`, `fonts`, `tagging`: drafts for signature, tagged PDFs
  (reportlab is imported only when a PDF is rendered).
"""
