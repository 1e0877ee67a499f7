"""A mail server for the tests (aiosmtpd, from PyPI), on 127.0.0.1:PORT.

Usage: smtp_server.py MAILBOX_DIR PORT

- A recipient whose address starts with "bounce" is refused for good:
  550 5.1.1. One starting with "relay" meets a relay's own refusal
  (554 5.7.1), the same for any message until the relay is set up.
- While MAILBOX_DIR/busy exists, every recipient is refused for now:
  451 4.3.0.
- Accepted messages are written to MAILBOX_DIR as NNN.eml, exactly as
  received.

With "parse FILE" instead, prints the message's headers and calendar
attachment as JSON (Python's email package reads it).
"""
import asyncio
import json
import os
import sys


def parse(path):
    from email import policy
    from email.parser import BytesParser

    with open(path, "rb") as f:
        message = BytesParser(policy=policy.default).parse(f)
    calendar = None
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            calendar = part.get_content()
            if isinstance(calendar, bytes):
                calendar = calendar.decode("utf-8")
    print(json.dumps({
        "date": message["Date"],
        "message_id": message["Message-ID"],
        "from": message["From"],
        "to": message["To"],
        "subject": message["Subject"],
        "calendar": calendar,
    }))


class Handler:
    def __init__(self, mailbox):
        self.mailbox = mailbox
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if os.path.exists(os.path.join(self.mailbox, "busy")):
            return "451 4.3.0 Mailbox busy, try again later"
        if address.lower().startswith("bounce"):
            return "550 5.1.1 No such user here"
        if address.lower().startswith("relay"):
            return "554 5.7.1 Relay access denied"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        with open(os.path.join(self.mailbox, f"{self.count:03}.eml"), "wb") as f:
            f.write(envelope.original_content)
        return "250 Message accepted for delivery"


def serve(mailbox, port):
    from aiosmtpd.controller import Controller

    controller = Controller(Handler(mailbox), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        # Until the test ends it (it closes our stdin, or kills us).
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    if sys.argv[1] == "parse":
        parse(sys.argv[2])
    else:
        serve(sys.argv[1], int(sys.argv[2]))
