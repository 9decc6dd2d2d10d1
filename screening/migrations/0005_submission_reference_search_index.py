"""An index for the staff search by reference code.

SubmissionQuerySet.search() matches the reference case-insensitively, which PostgreSQL runs as
UPPER(reference) = UPPER(term): the unique index on the column cannot serve that, and one search
term ORed with the name, email and phone indexes made the whole search a scan of every
submission (about 35 ms at 100,000, twice per queue page). With an index on UPPER(reference)
each branch of the OR uses an index. SQLite runs iexact as LIKE and ignores this index; it is
harmless there.

Raw SQL because the expression index belongs to the query, not to the model's state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("screening", "0004_screening_result_digest")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS submission_reference_upper "
            "ON screening_submission (UPPER(reference))",
            "DROP INDEX IF EXISTS submission_reference_upper",
        )
    ]
