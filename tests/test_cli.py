"""The `planbot` command run in-process against a fresh SQLite database."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.cli import main


@pytest.fixture(autouse=True)
def fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no developer .env, no ./data of the working tree
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'planbot.db'}")
    monkeypatch.delenv("PLANS_DIR", raising=False)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_first_run_loads_the_sample_plans(capsys: pytest.CaptureFixture[str]) -> None:
    plans = run_json(capsys, "plans", "--json")["plans"]
    assert len(plans) == 5
    assert {plan["locality"] for plan in plans} >= {"Ninh Bình", "Tam Chúc"}
    assert all(sum(plan["item_counts"].values()) > 0 for plan in plans)


def test_reimporting_a_sample_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    sample = Path(__file__).parents[1] / "knowledge" / "sample_plans" / "ninh-binh-2025.txt"
    assert main(["import", str(sample)]) == 0
    assert "không đổi Ninh Bình" in capsys.readouterr().out
    assert len(run_json(capsys, "plans", "--json")["plans"]) == 5


def test_export_one_plan_by_name_without_diacritics(capsys: pytest.CaptureFixture[str]) -> None:
    [plan] = run_json(capsys, "kb", "export", "--plan", "ninh binh", "--json")["plans"]
    assert plan["locality"] == "Ninh Bình"
    assert plan["items"]


def test_deadlines_json(capsys: pytest.CaptureFixture[str]) -> None:
    found = run_json(
        capsys, "kb", "deadlines", "--from", "2025-01-01", "--to", "2025-12-31", "--json"
    )
    dues = [entry["due"] for entry in found]
    assert dues == sorted(dues)
    assert all("2025-01-01" <= due <= "2025-12-31" for due in dues)
    assert set(found[0]) >= {"plan", "item_id", "due", "text", "recurring"}
    ninh_binh_recurring = sorted(
        e["due"] for e in found if e["recurring"] and e["plan"].startswith("Ninh Bình")
    )
    # The plan is issued on 19/09/2025: its reports start from then.
    monthly = [f"2025-{month:02d}-20" for month in range(9, 13)]
    quarterly = ["2025-09-20", "2025-12-20"]
    assert ninh_binh_recurring == sorted([*monthly, *quarterly, "2025-12-10"])


def test_deadlines_of_one_plan(capsys: pytest.CaptureFixture[str]) -> None:
    found = run_json(
        capsys, "kb", "deadlines", "--from", "2024-10-01", "--to", "2024-10-31",
        "--plan", "hai phong", "--json",
    )  # fmt: skip
    assert {e["plan"] for e in found} == {"Hải Phòng – 1115/KH-SGDĐT"}
    assert "2024-10-20" in {e["due"] for e in found}
    assert [e["due"] for e in found if e["recurring"]] == ["2024-10-10"]


def test_unknown_plan_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "export", "--plan", "Hà Giang 999", "--json"]) == 2
    assert "không tìm thấy kế hoạch" in capsys.readouterr().err


def test_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "deadlines", "--from", "15/10/2025", "--to", "2025-12-31"]) == 2
    assert "không hợp lệ, cần dạng YYYY-MM-DD" in capsys.readouterr().err


def test_unsupported_file_fails_with_a_vietnamese_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scan = tmp_path / "ke-hoach.pdf"
    scan.write_bytes(b"%PDF-1.7")
    missing = tmp_path / "khong-co.txt"
    assert main(["import", str(scan), str(missing)]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors[0].startswith(f"Lỗi: {scan}: ") and ".pdf" in errors[0]
    assert errors[1] == f"Lỗi: {missing}: không tìm thấy tệp."


def test_ask_one_question_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    found = run_json(
        capsys, "ask", "bao cao quy 4/2026 tam chuc han ngay nao", "--today", "2026-11-23", "--json"
    )
    assert found["answered"] is True
    assert found["answer"].startswith("Hạn báo cáo quý IV/2026: 10/12/2026")
    assert found["sources"][0]["section"] == "V.2"


def test_ask_batch_answers_every_line_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "questions.jsonl"
    lines = [
        {"id": "q1", "question": "Mấy giờ rồi?"},
        "không phải JSON",
        {"id": "q3", "question": "sap toi co han gi", "today": "2025-10-05", "plan": "ninh binh"},
    ]
    batch.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines),
        encoding="utf-8",
    )
    assert main(["ask", "--batch", str(batch)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in out] == ["q1", None, "q3"]
    assert [row["answered"] for row in out] == [False, False, True]
    assert "20/10/2025" in out[2]["answer"]
    assert all(set(row) == {"id", "question", "answered", "answer", "sources"} for row in out)


def test_ask_needs_a_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask"]) == 2
    assert "câu hỏi" in capsys.readouterr().err


def test_units_are_preloaded_and_shown_as_a_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["units"]) == 0
    tree = capsys.readouterr().out.splitlines()
    assert "Sở GDĐT Ninh Bình — kế hoạch Ninh Bình – 27/KH-SGDĐT" in tree
    assert "    Trường THCS Hoa Lư, THCS" in tree


def test_units_import_updates_in_place(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text(
        "name,kind,level,parent,plan\n"
        "UBND phường Hoa Lư,xa,,Sở GDĐT Ninh Bình,\n"
        "Trường Tiểu học Ninh Phong,truong,tieu_hoc,UBND phường Hoa Lư,\n",
        encoding="utf-8",
    )
    assert main(["units", "import", str(units)]) == 0
    assert "Đã thêm 1 đơn vị, cập nhật 1 đơn vị." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("name,kind\nA,so\n", "Dòng tiêu đề phải là"),
        ("name,kind,level,parent,plan\nA,bo,,,\n", "Dòng 2: loại “bo” không hợp lệ"),
        ("name,kind,level,parent,plan\nA,truong,dai_hoc,,\n", "cấp học “dai_hoc”"),
        ("name,kind,level,parent,plan\nA,truong,,Không Có,\n", "chưa có đơn vị cấp trên"),
        ("name,kind,level,parent,plan\nA,so,,,Hà Nội\n", "không khớp kế hoạch nào"),
        ("name,kind,level,parent,plan\nA,so,,,\na,so,,,\n", "Dòng 3: “a” xuất hiện hai lần"),
        ("name,kind,level,parent,plan\nA,so,,\n", "Dòng 2: cần đúng 5 cột"),
    ],
)
def test_a_bad_units_file_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: str, problem: str
) -> None:
    units = tmp_path / "units.csv"
    units.write_text(rows, encoding="utf-8")
    assert main(["units", "import", str(units)]) == 2
    assert problem in capsys.readouterr().err
    assert main(["units"]) == 0
    assert "\nA" not in capsys.readouterr().out


def test_invite_create_list_and_revoke(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["invite", "--unit", "truong thcs hoa lu", "--role", "hiệu trưởng", "--uses", "2"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    code = printed.split("Mã mời: ")[1].split()[0]
    assert len(code) == 10
    assert "hiệu trưởng / người báo cáo – Trường THCS Hoa Lư; dùng được 2 lần" in printed
    assert f"/start {code}" in printed
    assert main(["invite", "--list"]) == 0
    assert "[1] Trường THCS Hoa Lư – hiệu trưởng / người báo cáo, đã dùng 0/2" in (
        capsys.readouterr().out
    )
    assert main(["invite", "--revoke", code]) == 0
    assert "Đã thu hồi" in capsys.readouterr().out
    assert main(["invite", "--list"]) == 0
    assert "đã thu hồi" in capsys.readouterr().out


def test_invite_links_for_a_named_telegram_bot(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "truongbot")
    assert main(["invite", "--unit", "Trường THCS Hoa Lư", "--role", "teacher"]) == 0
    assert "https://t.me/truongbot?start=" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["invite", "--unit", "Trường X", "--role", "teacher"], "không có đơn vị “Trường X”"),
        (["invite", "--unit", "Trường THCS Hoa Lư", "--role", "boss"], "vai trò “boss”"),
        (["invite", "--unit", "Trường THCS Hoa Lư"], "cần --unit TÊN và --role"),
        (["invite", "--revoke", "NOPE"], "không có mã mời"),
        (["chat", "--as", "teacher"], "vai trò này cần --unit"),
    ],
)
def test_invite_and_chat_mistakes(
    capsys: pytest.CaptureFixture[str], argv: list[str], problem: str
) -> None:
    assert main(argv) == 2
    assert problem in capsys.readouterr().err


def test_chat_in_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = "han bao cao quy 4 ninh binh\n/nhacnho\n3\nthoát\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert main(["chat", "--as", "hieu truong", "--unit", "Trường THCS Hoa Lư"]) == 0
    out = capsys.readouterr().out
    assert "Bạn là hiệu trưởng / người báo cáo, Trường THCS Hoa Lư." in out
    assert "Nguồn: Ninh Bình – 27/KH-SGDĐT, mục V.3." in out
    assert "3. Tắt nhắc nhở" in out
    assert "Đã lưu: tắt nhắc nhở." in out
    assert out.rstrip().endswith("Tạm biệt!")


def test_run_without_a_channel_says_what_to_configure(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELEGRAM_TOKEN", raising=False)
    monkeypatch.delenv("ZALO_BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    assert "TELEGRAM_TOKEN" in capsys.readouterr().err


def test_report_status_and_export_after_a_console_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("/baocao 2025-Q4\n45\n18/40\nxong hết\ncó\n"))
    assert main(["chat", "--as", "reporter", "--unit", "Trường THCS Hoa Lư"]) == 0
    assert "Đã ghi nhận 2 chỉ tiêu quý IV/2025" in capsys.readouterr().out
    status = run_json(
        capsys, "report", "status", "--period", "2025-Q4", "--unit", "UBND phường Hoa Lư", "--json"
    )
    assert status["reported"] == ["Trường THCS Hoa Lư"]
    assert status["missing"] == ["Trường Mầm non Hoa Lư", "Trường Tiểu học Hoa Lư"]
    first = status["targets"][0]
    assert first["reported"][0]["value"] == "45%"
    assert first["reported"][0]["reporter"] == "Người dùng console"
    out = tmp_path / "q4.xlsx"
    assert main(["report", "export", "--period", "2025-Q4", "--out", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Tổng hợp", "Báo cáo chi tiết", "Lịch sử sửa"]
    assert book["Báo cáo chi tiết"].max_row >= 3


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["report", "status", "--period", "2025-Q5"], "kỳ “2025-Q5” không hợp lệ"),
        (["report", "status", "--period", "2025", "--unit", "X"], "không có đơn vị “X”"),
    ],
)
def test_report_mistakes(capsys: pytest.CaptureFixture[str], argv: list[str], problem: str) -> None:
    assert main(argv) == 2
    assert problem in capsys.readouterr().err


def test_reminders_preview_lists_what_would_be_sent(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("thoát\n"))
    assert main(["chat", "--as", "reporter", "--unit", "Trường THCS Hoa Lư"]) == 0
    capsys.readouterr()
    argv = ["reminders", "preview", "--from", "2025-11-10", "--to", "2025-11-21", "--json"]
    entries = run_json(capsys, *argv)
    assert [(e["send_at"], e["days_before"], e["period"]) for e in entries] == [
        ("2025-11-13T07:30:00+07:00", 7, "2025-11"),
        ("2025-11-17T07:30:00+07:00", 3, "2025-11"),
        ("2025-11-19T07:30:00+07:00", 1, "2025-11"),
        ("2025-11-20T07:30:00+07:00", 0, "2025-11"),
        ("2025-11-21T07:30:00+07:00", -1, "2025-11"),
    ]
    first = entries[0]
    assert first["unit"] == "Trường THCS Hoa Lư" and first["channel"] == "console"
    assert first["plan"] == "Ninh Bình – 27/KH-SGDĐT" and first["section"] == "V.3"
    assert first["due"] == "2025-11-20" and first["kind"] == "remind"
    other = ["reminders", "preview", "--from", "2025-11-10", "--to", "2025-11-21"]
    assert main([*other, "--unit", "UBND phường Tam Chúc", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(other) == 0
    assert "13/11/2025 07:30 nhắc Người dùng console" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["reminders", "preview", "--from", "2025-12-01", "--to", "2025-11-01"], "--to"),
        (
            ["reminders", "preview", "--from", "2025-11-01", "--to", "2025-12-01", "--unit", "X"],
            "X",
        ),
        (["reminders", "preview", "--from", "hôm qua", "--to", "2025-12-01"], "hôm qua"),
        (["reminders", "send-due", "--now", "sáng mai"], "sáng mai"),
        (["reminders", "send-due"], "TELEGRAM_TOKEN"),
    ],
)
def test_reminders_mistakes(
    capsys: pytest.CaptureFixture[str], argv: list[str], problem: str
) -> None:
    assert main(argv) == 2
    assert problem in capsys.readouterr().err
