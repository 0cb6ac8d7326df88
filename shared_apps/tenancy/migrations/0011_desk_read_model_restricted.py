"""The desk read model's function copies whether a visit's person is restricted (GDPR art. 18) to the board.

The board marks such a visit so the desk does no more with it than needed. The mark is the visitor's
`restricted_at` being set, read as JSON (`to_jsonb`) so a company schema that has not migrated yet never fails a
write; it is written when the reception's `readmodel_visit` has its `restricted` column (tenant_apps/desk migration
0004), on a visit's insert or update and on its visitor's update (a restriction made or lifted). The rest is 0010's
function unchanged: built from it here by replacements, each checked to apply once.
"""

from importlib import import_module

from django.db import migrations

_PREVIOUS = import_module("shared_apps.tenancy.migrations.0010_desk_read_model_unannounced")

_REPLACEMENTS = [
    (  # two more parts: the visitor's update sets the mark too
        "    flag_new text := '';\n",
        "    flag_new text := '';\n"
        "    person_set text := '';\n"
        "    person_old text := '';\n"
        "    person_new text := '';\n",
    ),
    (  # the mark's parts, when the reception's table has its column (it may not yet: schemas migrate in turn)
        "    reception := quote_ident(reception);\n",
        "    IF EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass(quote_ident(reception) || '.readmodel_visit')\n"
        "               AND attname = 'restricted' AND NOT attisdropped) THEN\n"
        "        flag_column := flag_column || ', restricted';\n"
        "        flag_value := flag_value || ', (to_jsonb(p) ->> ''restricted_at'') IS NOT NULL';\n"
        "        flag_set := flag_set || ', restricted = excluded.restricted';\n"
        "        flag_old := flag_old || ', d.restricted';\n"
        "        flag_new := flag_new || ', excluded.restricted';\n"
        "        person_set := ', restricted = (to_jsonb(n) ->> ''restricted_at'') IS NOT NULL';\n"
        "        person_old := ', d.restricted';\n"
        "        person_new := ', (to_jsonb(n) ->> ''restricted_at'') IS NOT NULL';\n"
        "    END IF;\n"
        "    reception := quote_ident(reception);\n",
    ),
    (
        "'visitor_company = n.company_name FROM new_rows n",
        "'visitor_company = n.company_name%3$s FROM new_rows n",
    ),
    (
        "'WHERE d.company_id = $1 AND d.visit_id = v.id AND (d.first_name, d.last_name, d.visitor_company) '\n"
        "            'IS DISTINCT FROM (n.first_name, n.last_name, n.company_name)',\n"
        "            reception, own) USING company;",
        "'WHERE d.company_id = $1 AND d.visit_id = v.id AND (d.first_name, d.last_name, d.visitor_company%4$s) '\n"
        "            'IS DISTINCT FROM (n.first_name, n.last_name, n.company_name%5$s)',\n"
        "            reception, own, person_set, person_old, person_new) USING company;",
    ),
]

FUNCTION = _PREVIOUS.FUNCTION
for _old, _new in _REPLACEMENTS:
    assert FUNCTION.count(_old) == 1, _old
    FUNCTION = FUNCTION.replace(_old, _new)


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0010_desk_read_model_unannounced"),
    ]

    operations = [migrations.RunSQL(FUNCTION, reverse_sql=_PREVIOUS.FUNCTION)]
