"""依据 names the source document and clause, not a seed file code (issue #9 §4): rewrite the default
work systems' citations that still read as the seed codes; a citation a deployment edited is kept."""

from django.db import migrations

# The citations as migration 0004 loaded them before this change, by work-system code.
OLD = {
    "party_report": "000 篇二 第八条，篇六/十一 第十三条；002 篇二（四）",
    "summary_report": "000 篇二 第八条",
    "major_report": "000 第十三条",
    "analysis": "000 第十四条；002 篇二、篇三",
    "special_study": "000 第十四条，篇四 第九条；002 篇二",
    "briefing": "000 第十四条；002 篇二",
    "joint_meeting": "000 第十八条",
    "inspection": "000 篇二 第五条，第十九条",
    "theory_study": "000 篇一；学校每年不少于 14 次、其中意识形态专题不少于 4 次（000 篇七）",
    "liaison": "000 第十六条",
    "democratic_life": "000 第八条，第十三条",
    "responsibility_letter": "000 篇八",
    "assessment": "000 第七条，第十七条",
}


def name_documents(apps, schema_editor):
    from responsibilities.defaults import WORK_SYSTEMS

    WorkSystem = apps.get_model("responsibilities", "WorkSystem")
    new = {spec["code"]: spec["citation"] for spec in WORK_SYSTEMS}
    for code, old in OLD.items():
        WorkSystem.objects.filter(code=code, citation=old).update(citation=new[code])
    # The demo's school overrides (seed_demo) quoted the seed file in their note.
    Override = apps.get_model("responsibilities", "WorkSystemOverride")
    for override in Override.objects.filter(note__contains="（000 篇七）"):
        override.note = override.note.replace("（000 篇七）", "")
        override.save(update_fields=["note"])


def back_to_codes(apps, schema_editor):
    from responsibilities.defaults import WORK_SYSTEMS

    WorkSystem = apps.get_model("responsibilities", "WorkSystem")
    for spec in WORK_SYSTEMS:
        if spec["code"] in OLD:
            WorkSystem.objects.filter(code=spec["code"], citation=spec["citation"]).update(citation=OLD[spec["code"]])


class Migration(migrations.Migration):
    dependencies = [("responsibilities", "0011_chinese_field_labels")]

    operations = [migrations.RunPython(name_documents, back_to_codes)]
