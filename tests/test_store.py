"""The knowledge-base store on every database backend, with hand-built facts."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from bot.db import Base, alembic_config, migrate
from knowledge.facts import Due, Item, Measure, Milestone, PlanFacts, Section
from knowledge.store import (
    ItemRecord,
    PlanRecord,
    SectionRecord,
    deadlines,
    describe_counts,
    export_json,
    find_plans,
    list_plans,
    plan_items,
    save_plan,
)

MONTHLY_REPORT = {
    "freq": "monthly",
    "rrule": "FREQ=MONTHLY;BYMONTHDAY=20",
    "text": "hằng tháng (trước ngày 20)",
    "before": True,
    "day": 20,
}


def make_items() -> list[Item]:
    return [
        Item(
            kind="target",
            text="100% cơ sở giáo dục ban hành kế hoạch chuyển đổi số",
            section="I.2",
            section_title="Mục tiêu cụ thể",
            measures=[Measure(100.0, "%", None, "cơ sở giáo dục")],
        ),
        Item(
            kind="task",
            text="Triển khai nền tảng học trực tuyến",
            section="II.1",
            lead="Phòng GDTrH",
            partners=["Các trường THPT"],
            due=Due(date(2025, 10, 15), "Trước ngày 15/10/2025", "day", before=True),
            milestones=[
                Milestone(Due(date(2025, 9, 30), "Quý III/2025", "quarter"), "chạy thử nghiệm"),
                Milestone(Due(date(2025, 12, 31), "Quý IV/2025", "quarter"), "Hoàn thành"),
            ],
            columns={"Thời gian": "Quý III–IV/2025"},
        ),
        Item(
            kind="report",
            text="Báo cáo kết quả chuyển đổi số",
            section="III",
            recurrence=dict(MONTHLY_REPORT),
            reporter="Các trường",
            report_to="Sở GDĐT",
        ),
        Item(
            kind="deadline",
            text="Hoàn thành kết nối dữ liệu ngành",
            section="II.2",
            due=Due(date(2025, 11, 30), "Tháng 11/2025", "month"),
        ),
    ]


def make_facts(items: list[Item] | None = None, **changes: object) -> PlanFacts:
    facts = PlanFacts(
        number="27/KH-SGDĐT",
        issuer="Sở GDĐT",
        locality="Ninh Bình",
        issued_on="2025-09-19",
        issued_text="Ninh Bình, ngày 19 tháng 9 năm 2025",
        title="Chuyển đổi số ngành Giáo dục và Đào tạo năm 2025",
        year=2025,
        school_year=None,
        signer_name="Nguyễn Tiên Dũng",
        signer_title="Giám đốc",
        budget_million_vnd=1500.0,
        sections=[Section("I", "I", "MỤC TIÊU", 1), Section("I.2", "2", "Mục tiêu cụ thể", 2)],
        items=make_items() if items is None else items,
        text="KẾ HOẠCH Chuyển đổi số ngành Giáo dục và Đào tạo năm 2025 …",
    )
    return dataclasses.replace(facts, **changes)  # type: ignore[arg-type]


def tam_chuc() -> PlanFacts:
    return make_facts(
        items=[Item(kind="task", text="Tập huấn kỹ năng số", section="II.1")],
        number=None,
        locality="Tam Chúc",
        issued_on="2026-06",
        title="Chuyển đổi số ngành Giáo dục phường Tam Chúc năm 2026",
    )


def item_ids(session: Session, plan_id: int) -> dict[str, int]:
    return {item.text: item.id for item in plan_items(session, plan_id)}


def count(session: Session, table: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def test_save_creates_plan_sections_and_items(session: Session) -> None:
    result = save_plan(session, make_facts(), "ninh-binh.txt")
    session.commit()
    assert result.status == "created"
    assert result.plan.display_name == "Ninh Bình – 27/KH-SGDĐT"
    assert [item.kind for item in plan_items(session, result.plan.id)] == [
        "target",
        "task",
        "report",
        "deadline",
    ]
    assert count(session, SectionRecord) == 2
    session.expire_all()
    imported_at = session.get_one(PlanRecord, result.plan.id).imported_at
    assert imported_at.tzinfo is not None
    assert imported_at.utcoffset() == UTC.utcoffset(None)


def test_resaving_the_same_facts_changes_nothing(session: Session) -> None:
    first = save_plan(session, make_facts(), "ninh-binh.txt")
    session.commit()
    ids = item_ids(session, first.plan.id)
    imported_at = first.plan.imported_at

    again = save_plan(session, make_facts(), "ninh-binh.txt")
    session.commit()

    assert again.status == "unchanged"
    assert again.plan.id == first.plan.id
    assert again.plan.imported_at == imported_at
    assert item_ids(session, first.plan.id) == ids
    assert (count(session, PlanRecord), count(session, ItemRecord)) == (1, 4)


def test_reimport_updates_items_in_place(session: Session) -> None:
    first = save_plan(session, make_facts(), "ninh-binh.txt")
    session.commit()
    before = item_ids(session, first.plan.id)

    target, task, report, _removed = make_items()
    target.measures = [Measure(90.0, "%", "tối thiểu", "cơ sở giáo dục")]
    added = Item(kind="task", text="Xây dựng kho học liệu số", section="II.3")
    result = save_plan(session, make_facts([target, task, report, added]), "ninh-binh.txt")
    session.commit()

    assert result.status == "updated"
    assert result.plan.id == first.plan.id
    after = item_ids(session, first.plan.id)
    for kept in (target.text, task.text, report.text):
        assert after[kept] == before[kept]
    assert after[added.text] not in before.values()
    assert "Hoàn thành kết nối dữ liệu ngành" not in after
    assert count(session, ItemRecord) == 4
    changed = session.get_one(ItemRecord, after[target.text])
    assert (changed.value, changed.qualifier) == (90.0, "tối thiểu")


def test_identity_ignores_the_file_name(session: Session) -> None:
    first = save_plan(session, make_facts(), "ninh-binh.txt")
    session.commit()
    second = save_plan(session, make_facts(), "KH 27 chuyen doi so.docx")
    session.commit()
    assert second.plan.id == first.plan.id
    assert second.plan.source_name == "KH 27 chuyen doi so.docx"
    assert count(session, PlanRecord) == 1


def test_changed_sections_are_replaced(session: Session) -> None:
    save_plan(session, make_facts(), "ninh-binh.txt")
    session.commit()
    sections = [Section("II", "II", "NHIỆM VỤ", 1)]
    result = save_plan(session, make_facts(sections=sections), "ninh-binh.txt")
    session.commit()
    assert result.status == "updated"
    assert [s.title for s in session.scalars(select(SectionRecord))] == ["NHIỆM VỤ"]


def test_identical_items_are_kept_apart(session: Session) -> None:
    twin = Item(kind="task", text="Rà soát thiết bị", section="II.1")
    items = [twin, dataclasses.replace(twin), dataclasses.replace(twin)]
    first = save_plan(session, make_facts(items), "a.txt")
    session.commit()
    keys = [item.key for item in plan_items(session, first.plan.id)]
    assert len(set(keys)) == 3
    again = save_plan(session, make_facts([dataclasses.replace(twin) for _ in range(3)]), "a.txt")
    assert again.status == "unchanged"


def test_deleting_a_plan_cascades_in_the_database(session: Session) -> None:
    save_plan(session, make_facts(), "ninh-binh.txt")
    session.commit()
    session.execute(delete(PlanRecord))
    session.commit()
    assert (count(session, ItemRecord), count(session, SectionRecord)) == (0, 0)


def test_find_plans_ignores_case_and_diacritics(session: Session) -> None:
    save_plan(session, make_facts(), "ninh-binh.txt")
    save_plan(session, tam_chuc(), "tam-chuc.txt")
    session.commit()

    def found(name: str) -> list[str | None]:
        return [plan.locality for plan in find_plans(session, name)]

    assert found("ninh binh") == ["Ninh Bình"]
    assert found("NINH BÌNH") == ["Ninh Bình"]
    assert found("27/kh") == ["Ninh Bình"]
    assert found("Tam Chuc") == ["Tam Chúc"]
    assert found("chuyen doi so") == ["Ninh Bình", "Tam Chúc"]
    assert found("Hà Nội") == []
    assert [p.display_name for p in list_plans(session)] == [
        "Ninh Bình – 27/KH-SGDĐT",
        "Tam Chúc – Chuyển đổi số ngành Giáo dục phường Tam Chúc năm 2026",
    ]


def test_export_json_shape(session: Session) -> None:
    save_plan(session, make_facts(), "ninh-binh.txt")
    session.commit()
    plans = export_json(list_plans(session))["plans"]
    assert isinstance(plans, list)
    [plan] = plans
    assert set(plan) == {
        "id",
        "number",
        "issuer",
        "locality",
        "issued_on",
        "issued_text",
        "signer_name",
        "signer_title",
        "title",
        "year",
        "school_year",
        "budget_million_vnd",
        "items",
    }
    target, task, report, _ = plan["items"]
    assert set(target) == {
        "id",
        "kind",
        "text",
        "section",
        "section_title",
        "value",
        "unit",
        "qualifier",
        "measures",
        "lead",
        "partners",
        "applies_to",
        "due",
        "due_text",
        "due_precision",
        "recurrence",
        "budget_million_vnd",
        "product",
        "reporter",
        "report_to",
        "milestones",
        "also_in",
    }
    assert (target["value"], target["unit"], target["due"]) == (100.0, "%", None)
    assert target["measures"][0]["subject"] == "cơ sở giáo dục"
    assert (task["value"], task["due"], task["due_precision"]) == (None, "2025-10-15", "day")
    assert task["partners"] == ["Các trường THPT"]
    assert task["milestones"][0]["due"]["on"] == "2025-09-30"
    assert report["recurrence"] == MONTHLY_REPORT
    assert target["recurrence"] is None
    assert (plan["signer_name"], plan["signer_title"]) == ("Nguyễn Tiên Dũng", "Giám đốc")


def test_the_signer_is_stored_and_updated_on_reimport(session: Session) -> None:
    first = save_plan(session, make_facts(), "ninh-binh.txt")
    session.commit()
    session.expire_all()
    stored = session.get_one(PlanRecord, first.plan.id)
    assert (stored.signer_name, stored.signer_title) == ("Nguyễn Tiên Dũng", "Giám đốc")

    deputy = make_facts(signer_name="Lê Văn Bình", signer_title="KT. Giám đốc, Phó Giám đốc")
    assert save_plan(session, deputy, "ninh-binh.txt").status == "updated"
    unsigned = make_facts(signer_name=None, signer_title=None)
    assert save_plan(session, unsigned, "ninh-binh.txt").status == "updated"
    session.commit()
    session.expire_all()
    stored = session.get_one(PlanRecord, first.plan.id)
    assert (stored.signer_name, stored.signer_title) == (None, None)


def test_a_contact_is_counted_but_never_dated(session: Session) -> None:
    contact = Item(
        kind="contact",
        text="Liên hệ Văn phòng Sở, điện thoại 02293.871.234 trước ngày 15/10/2025.",
        section="V",
    )
    plan = save_plan(session, make_facts([*make_items(), contact]), "ninh-binh.txt").plan
    session.commit()
    assert describe_counts(plan) == "1 chỉ tiêu, 1 nhiệm vụ, 1 mốc hạn, 1 báo cáo, 1 liên hệ"
    kinds = {d.kind for d in deadlines(session, date(2025, 1, 1), date(2026, 12, 31))}
    assert "contact" not in kinds
    [exported] = [i for i in export_json([plan])["plans"][0]["items"] if i["kind"] == "contact"]
    assert (exported["due"], exported["recurrence"], exported["milestones"]) == (None, None, [])


def test_deadlines_in_a_window(session: Session) -> None:
    plan = save_plan(session, make_facts(), "ninh-binh.txt").plan
    session.commit()
    found = deadlines(session, date(2025, 10, 1), date(2025, 10, 31))
    assert [(d.due, d.kind, d.recurring) for d in found] == [
        (date(2025, 10, 15), "task", False),
        (date(2025, 10, 20), "report", True),
    ]
    assert found[0].to_json() == {
        "plan": "Ninh Bình – 27/KH-SGDĐT",
        "plan_id": plan.id,
        "item_id": item_ids(session, plan.id)["Triển khai nền tảng học trực tuyến"],
        "due": "2025-10-15",
        "text": "Triển khai nền tảng học trực tuyến",
        "recurring": False,
        "kind": "task",
        "section": "II.1",
    }


def test_deadlines_include_milestones(session: Session) -> None:
    save_plan(session, make_facts(), "ninh-binh.txt")
    session.commit()
    found = deadlines(session, date(2025, 9, 30), date(2025, 12, 31))
    milestones = [
        (d.due, d.text) for d in found if d.kind == "task" and d.due != date(2025, 10, 15)
    ]
    assert milestones == [
        (date(2025, 9, 30), "Triển khai nền tảng học trực tuyến: chạy thử nghiệm"),
        (date(2025, 12, 31), "Triển khai nền tảng học trực tuyến: Hoàn thành"),
    ]
    assert [d.due for d in found] == sorted(d.due for d in found)
    assert sum(d.recurring for d in found) == 3


def test_milestone_text_shortens_long_items(session: Session) -> None:
    long_task = Item(
        kind="task",
        text="Triển khai " + "nhiều nội dung chuyển đổi số " * 10,
        section="II.1",
        milestones=[Milestone(Due(date(2025, 9, 30), "Quý III/2025", "quarter"), "bước một")],
    )
    save_plan(session, make_facts([long_task]), "a.txt")
    session.commit()
    [entry] = deadlines(session, date(2025, 9, 1), date(2025, 9, 30))
    assert entry.text.endswith("…: bước một")
    assert len(entry.text) <= 80 + len(": bước một")


def test_deadlines_are_deduplicated_and_filtered_by_plan(session: Session) -> None:
    twin = Item(
        kind="deadline",
        text="Nộp báo cáo",
        section="III",
        due=Due(date(2025, 10, 5), "5/10/2025", "day"),
    )
    ninh_binh = save_plan(session, make_facts([twin, dataclasses.replace(twin)]), "a.txt").plan
    other = save_plan(session, tam_chuc(), "b.txt").plan
    session.commit()
    window = (date(2025, 10, 1), date(2025, 10, 31))
    assert [d.text for d in deadlines(session, *window)] == ["Nộp báo cáo"]
    assert deadlines(session, *window, plan_ids=[other.id]) == []
    assert len(deadlines(session, *window, plan_ids=[ninh_binh.id])) == 1


def test_migrate_twice_is_a_no_op(engine: Engine) -> None:
    migrate(engine)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
