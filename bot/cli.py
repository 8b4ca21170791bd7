"""The `planbot` command: import plan documents and look into the knowledge base."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from bot import admin, reminders, reports
from bot.app import build_conversation, open_store
from bot.config import Settings
from bot.console import CHANNEL, USER_ID, ConsoleChannel
from bot.media import MediaStore
from bot.runner import NoChannel, build_channels, run_until_signalled
from handlers.people import Account, Role, enrol, parse_role, unknown_role
from handlers.summary import summary_text
from handlers.units import find_unit
from knowledge.answer import AnswerEngine
from knowledge.document import DocumentError
from knowledge.importer import import_file
from knowledge.store import (
    KIND_LABELS,
    PlanRecord,
    deadlines,
    describe_counts,
    export_json,
    find_plans,
    item_counts,
    list_plans,
)

Command = Callable[[argparse.Namespace, Settings, sessionmaker[Session]], int]

STATUS_LABELS = {"created": "đã thêm", "updated": "đã cập nhật", "unchanged": "không đổi"}
DEFAULT_WINDOW = timedelta(days=30)

# argparse speaks English; these cover the mistakes a user can actually make here.
_ARGPARSE_PHRASES = (
    ("the following arguments are required", "thiếu đối số bắt buộc"),
    ("unrecognized arguments", "đối số không nhận ra"),
    ("invalid choice", "lựa chọn không hợp lệ"),
    ("choose from", "chọn một trong"),
    ("expected one argument", "cần một giá trị"),
    ("ambiguous option", "tùy chọn không rõ"),
    ("argument ", "đối số "),
)


class UsageError(Exception):
    """A mistake of the user's: printed as 'Lỗi: …', and the command exits with 2."""


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with the usage line introduced in Vietnamese."""

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose help and errors are in Vietnamese."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(add_help=False, formatter_class=_Formatter, **kwargs)
        self._positionals.title = "đối số"
        self._optionals.title = "tùy chọn"
        self.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")

    def error(self, message: str) -> NoReturn:
        for english, vietnamese in _ARGPARSE_PHRASES:
            message = message.replace(english, vietnamese)
        raise UsageError(f"{message} (xem: {self.prog} --help)")


def _iso_date(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ngày “{text}” không hợp lệ, cần dạng YYYY-MM-DD"
        ) from None


def _vn_date(iso: str) -> str:
    """'2025-09-19' → '19/09/2025', '2026-06' → '06/2026': the order Vietnamese readers expect."""
    return "/".join(reversed(iso.split("-")))


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _selected_plans(session: Session, name: str | None) -> list[PlanRecord]:
    if name is None:
        return list_plans(session)
    plans = find_plans(session, name)
    if not plans:
        raise UsageError(f"không tìm thấy kế hoạch nào khớp với “{name}” (xem: planbot plans)")
    return plans


def _read_failure(error: DocumentError | OSError) -> str:
    """DocumentError already speaks Vietnamese; file-system errors are named here."""
    if isinstance(error, DocumentError):
        return str(error)
    if isinstance(error, FileNotFoundError):
        return "không tìm thấy tệp."
    return "không đọc được tệp (kiểm tra quyền truy cập)."


def _import(args: argparse.Namespace, _settings: Settings, sessions: sessionmaker[Session]) -> int:
    failed = False
    for path in args.files:
        try:
            with sessions.begin() as session:
                result = import_file(session, path)
                status = STATUS_LABELS[result.status]
                plan = result.plan
                print(f"{path}: {status} {plan.display_name} ({describe_counts(plan)})")
        except (DocumentError, OSError) as error:
            print(f"Lỗi: {path}: {_read_failure(error)}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


def _plans(args: argparse.Namespace, _settings: Settings, sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        plans = list_plans(session)
    if args.json:
        rows = [
            {
                "id": plan.id,
                "number": plan.number,
                "locality": plan.locality,
                "issued_on": plan.issued_on,
                "title": plan.title,
                "source_name": plan.source_name,
                "item_counts": item_counts(plan),
            }
            for plan in plans
        ]
        _print_json({"plans": rows})
        return 0
    if not plans:
        print("Chưa có kế hoạch nào. Nạp kế hoạch bằng: planbot import TỆP")
    for plan in plans:
        issued = f", ban hành {_vn_date(plan.issued_on)}" if plan.issued_on else ""
        print(f"[{plan.id}] {plan.display_name}{issued}")
        print(f"    {plan.title}")
        print(f"    {describe_counts(plan)}")
    return 0


def _export(args: argparse.Namespace, _settings: Settings, sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        plans = _selected_plans(session, args.plan)
    if args.json:
        _print_json(export_json(plans))
        return 0
    for plan in plans:
        print(f"{plan.display_name}: {plan.title}")
        for item in plan.items:
            print(f"  {item.section} [{KIND_LABELS[item.kind]}] {item.text}")
            if item.due_text:
                print(f"      hạn: {item.due_text}")
            if item.lead:
                print(f"      chủ trì: {item.lead}")
    return 0


def _deadlines(
    args: argparse.Namespace, settings: Settings, sessions: sessionmaker[Session]
) -> int:
    start: date = args.start or datetime.now(settings.timezone).date()
    end: date = args.end or start + DEFAULT_WINDOW
    if end < start:
        raise UsageError("ngày --to phải không sớm hơn ngày --from")
    with sessions() as session:
        plan_ids = (
            None if args.plan is None else [p.id for p in _selected_plans(session, args.plan)]
        )
        entries = deadlines(session, start, end, plan_ids)
    if args.json:
        _print_json([entry.to_json() for entry in entries])
        return 0
    window = f"từ {_vn_date(start.isoformat())} đến {_vn_date(end.isoformat())}"
    print(f"Các hạn {window}:" if entries else f"Không có hạn nào {window}.")
    for entry in entries:
        repeat = " (định kỳ)" if entry.recurring else ""
        print(f"{_vn_date(entry.due.isoformat())}  {entry.plan}  {entry.text}{repeat}")
    return 0


def _ask(args: argparse.Namespace, settings: Settings, sessions: sessionmaker[Session]) -> int:
    if (args.question is None) == (args.batch is None):
        raise UsageError("hãy đưa một câu hỏi, hoặc --batch TỆP.jsonl")
    today: date = args.today or datetime.now(settings.timezone).date()
    with sessions() as session:
        engine = AnswerEngine(list_plans(session))
        if args.batch is None:
            answer = engine.ask(args.question, today, args.plan)
            if args.json:
                _print_json({"question": args.question, **answer.to_json()})
            else:
                print(answer.text)
            return 0
        for number, line in enumerate(_batch_lines(args.batch), 1):
            print(json.dumps(_batch_answer(engine, number, line, today), ensure_ascii=False))
    return 0


def _batch_lines(path: Path) -> list[str]:
    try:
        return [line for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"không đọc được tệp {path}: {error}") from None


def _batch_answer(engine: AnswerEngine, number: int, line: str, today: date) -> dict[str, object]:
    """One output line per input line, in order; a bad line says why instead of stopping."""
    try:
        request = json.loads(line)
        question = str(request["question"])
        when = date.fromisoformat(request["today"]) if request.get("today") else today
    except (ValueError, KeyError, TypeError):
        failure = f"Dòng {number} không phải yêu cầu hợp lệ (cần JSON có 'question')."
        return {"id": None, "question": None, "answered": False, "answer": failure, "sources": []}
    answer = engine.ask(question, when, request.get("plan"))
    return {"id": request.get("id"), "question": question, **answer.to_json()}


def _units(args: argparse.Namespace, _settings: Settings, sessions: sessionmaker[Session]) -> int:
    if args.units_command == "import":
        print(admin.units_import(args.file, sessions))
    else:
        print(admin.units_tree(sessions))
    return 0


def _invite(args: argparse.Namespace, settings: Settings, sessions: sessionmaker[Session]) -> int:
    print(admin.invite(args, settings, sessions))
    return 0


def _report(args: argparse.Namespace, _settings: Settings, sessions: sessionmaker[Session]) -> int:
    status = reports.load_status(sessions, args.period, args.unit)
    if args.report_command == "export":
        print(reports.export(status, args.out))
    elif args.json:
        _print_json(reports.status_json(status))
    else:
        print(summary_text(status))
    return 0


def _chat(args: argparse.Namespace, settings: Settings, sessions: sessionmaker[Session]) -> int:
    role = parse_role(args.role)
    if role is None:
        raise UsageError(unknown_role(args.role))
    with sessions.begin() as session:
        unit = find_unit(session, args.unit) if args.unit else None
        if args.unit and unit is None:
            raise UsageError(f"không có đơn vị “{args.unit}” (xem: planbot units)")
        if unit is None and role != Role.ADMIN:
            raise UsageError("vai trò này cần --unit TÊN_ĐƠN_VỊ")
        account = Account(CHANNEL, USER_ID, USER_ID, "Người dùng console")
        enrol(session, account, role, unit, datetime.now(UTC))
    print("Trợ lý kế hoạch – gõ câu hỏi hoặc lệnh (/trogiup); gõ “thoát” hoặc Ctrl-D để dừng.")
    channel = ConsoleChannel(
        build_conversation(settings, sessions), Path("data") / "exports", sys.stdout
    )
    asyncio.run(channel.run())
    return 0


NO_CHANNEL = (
    "chưa cấu hình kênh nào: đặt TELEGRAM_TOKEN và/hoặc ZALO_BOT_TOKEN trong .env"
    " (thử ngay không cần mã: planbot chat)"
)


def _iso_moment(text: str) -> datetime:
    """An ISO date-time; without an offset it is read in TIMEZONE (see `_reminders`)."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” không phải thời điểm dạng 2025-12-13T07:30 (ISO 8601)"
        ) from None


def _reminders(
    args: argparse.Namespace, settings: Settings, sessions: sessionmaker[Session]
) -> int:
    if args.reminders_command == "preview":
        entries = reminders.preview(settings, sessions, args.first, args.last, args.unit)
        if args.json:
            _print_json(entries)
        else:
            print(reminders.preview_text(entries))
        return 0
    channels = build_channels(settings, build_conversation(settings, sessions), MediaStore(), "")
    if not channels:
        raise UsageError(NO_CHANNEL)
    now: datetime = args.now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=settings.timezone)
    with reminders.sender_lock(settings.database_url):
        outcome = asyncio.run(reminders.send_due(settings, sessions, channels, now))
    _print_json(outcome.to_json())
    return 0


def _run(_args: argparse.Namespace, settings: Settings, sessions: sessionmaker[Session]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        asyncio.run(run_until_signalled(settings, sessions))
    except NoChannel:
        raise UsageError(NO_CHANNEL) from None
    return 0


def _build_parser() -> _Parser:
    parser = _Parser(
        prog="planbot",
        description="Trợ lý kế hoạch: hỏi đáp, thu thập tiến độ và nhắc hạn báo cáo theo kế hoạch.",
    )
    commands = parser.add_subparsers(title="lệnh", metavar="LỆNH", dest="command", required=True)

    importer = commands.add_parser("import", help="nạp tệp kế hoạch vào cơ sở tri thức")
    importer.add_argument("files", nargs="+", type=Path, metavar="TỆP", help="tệp kế hoạch")
    importer.set_defaults(run=_import)

    plans = commands.add_parser("plans", help="liệt kê các kế hoạch đã nạp")
    plans.set_defaults(run=_plans)

    kb = commands.add_parser("kb", help="xem cơ sở tri thức").add_subparsers(
        title="lệnh", metavar="LỆNH", dest="kb_command", required=True
    )
    export = kb.add_parser("export", help="xuất chỉ tiêu, nhiệm vụ và hạn của các kế hoạch")
    export.set_defaults(run=_export)
    window = kb.add_parser("deadlines", help="các hạn trong một khoảng ngày")
    window.add_argument(
        "--from",
        dest="start",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="từ ngày (mặc định: hôm nay)",
    )
    window.add_argument(
        "--to",
        dest="end",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="đến ngày (mặc định: 30 ngày sau)",
    )
    window.set_defaults(run=_deadlines)

    ask = commands.add_parser("ask", help="hỏi về kế hoạch (hạn, chỉ tiêu, đơn vị chủ trì…)")
    ask.add_argument("question", nargs="?", metavar="CÂU_HỎI", help="câu hỏi, có dấu hoặc không")
    ask.add_argument(
        "--today", type=_iso_date, metavar="YYYY-MM-DD", help="coi hôm nay là ngày này"
    )
    ask.add_argument("--batch", type=Path, metavar="TỆP", help="tệp JSONL, mỗi dòng một câu hỏi")
    ask.set_defaults(run=_ask)

    units = commands.add_parser("units", help="xem hoặc nạp cây đơn vị (Sở, Phòng, trường)")
    units.set_defaults(run=_units)
    units_commands = units.add_subparsers(title="lệnh", metavar="LỆNH", dest="units_command")
    units_import = units_commands.add_parser("import", help="nạp đơn vị từ tệp CSV")
    units_import.add_argument(
        "file", type=Path, metavar="TỆP.csv", help="cột: name,kind,level,parent,plan"
    )

    invite = commands.add_parser("invite", help="tạo, liệt kê hoặc thu hồi mã mời")
    invite.add_argument("--unit", metavar="TÊN", help="đơn vị của người được mời")
    invite.add_argument("--role", metavar="VAI_TRÒ", help="teacher, reporter, staff hoặc admin")
    invite.add_argument("--uses", type=int, default=1, metavar="N", help="số lần dùng (mặc định 1)")
    invite.add_argument(
        "--expires", type=int, default=7, metavar="NGÀY", help="hết hạn sau (mặc định 7 ngày)"
    )
    invite.add_argument("--list", action="store_true", help="liệt kê các mã đã tạo")
    invite.add_argument("--revoke", metavar="MÃ|SỐ", help="thu hồi một mã")
    invite.set_defaults(run=_invite)

    report = commands.add_parser("report", help="tiến độ các trường báo cáo theo kỳ")
    report.set_defaults(run=_report)
    report_commands = report.add_subparsers(
        title="lệnh", metavar="LỆNH", dest="report_command", required=True
    )
    report_status = report_commands.add_parser("status", help="đã báo cáo, còn thiếu, thống kê")
    report_status.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    report_export = report_commands.add_parser("export", help="xuất tệp Excel")
    report_export.add_argument("--out", type=Path, required=True, metavar="TỆP.xlsx")
    for sub in (report_status, report_export):
        sub.add_argument("--period", required=True, metavar="KỲ", help="2025-11, 2025-Q4 hoặc 2025")
        sub.add_argument("--unit", metavar="TÊN", help="chỉ các trường thuộc đơn vị này")

    chat = commands.add_parser("chat", help="trò chuyện với bot ngay trong cửa sổ lệnh")
    chat.add_argument(
        "--as", dest="role", default="admin", metavar="VAI_TRÒ", help="vai trò (mặc định admin)"
    )
    chat.add_argument("--unit", metavar="TÊN", help="đơn vị của bạn")
    chat.set_defaults(run=_chat)

    remind = commands.add_parser("reminders", help="nhắc hạn báo cáo: xem trước hoặc gửi")
    remind.set_defaults(run=_reminders)
    remind_commands = remind.add_subparsers(
        title="lệnh", metavar="LỆNH", dest="reminders_command", required=True
    )
    remind_preview = remind_commands.add_parser("preview", help="những gì sẽ được gửi, khi nào")
    remind_preview.add_argument("--from", dest="first", type=_iso_date, required=True)
    remind_preview.add_argument("--to", dest="last", type=_iso_date, required=True)
    remind_preview.add_argument("--unit", metavar="TÊN", help="chỉ đơn vị này và các đơn vị dưới")
    remind_send = remind_commands.add_parser("send-due", help="gửi mọi nhắc nhở đến hạn rồi thoát")
    remind_send.add_argument(
        "--now", type=_iso_moment, help="thời điểm coi là bây giờ (mặc định: đồng hồ thật)"
    )

    run = commands.add_parser("run", help="chạy bot trên các kênh đã cấu hình (Telegram, Zalo)")
    run.set_defaults(run=_run)

    for sub in (export, window, ask):
        sub.add_argument(
            "--plan", metavar="TÊN", help="chỉ các kế hoạch khớp địa phương, số hoặc tiêu đề"
        )
    for sub in (plans, export, window, ask, remind_preview):
        sub.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    return parser


def _load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        wrong = ", ".join(
            f"{'.'.join(map(str, e['loc'])).upper()}={e['input']!r}" for e in error.errors()
        )
        raise UsageError(f"cấu hình không hợp lệ (biến môi trường hoặc .env): {wrong}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `planbot` console script; returns the exit code."""
    try:
        args = _build_parser().parse_args(argv)
        settings = _load_settings()
        command: Command = args.run
        return command(args, settings, open_store(settings))
    except (UsageError, admin.AdminError, reports.ReportError, reminders.ReminderError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (`| head`) left early: silence the final flush instead of a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
