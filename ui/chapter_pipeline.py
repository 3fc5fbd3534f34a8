"""The GUI end of the chapter-change pipeline, for the VOD open in the editor.

Every core chapter operation returns a ``ChangeSet`` (``core.domain.changes``). Here it becomes
three things at once: what the in-memory ``timeline`` applies (no database read), the payload
of ``changed`` (every view and panel listens to that one signal), and the undo record of
``ChangeSetCommand`` (undo applies the inverse, refused if the chapters moved on since).

Three ways in, for every road that changes chapters:

- ``push(text, changes)``: a user action the core already stored (a finished background task:
  AI generation, an import, chapter thumbnails) becomes one undo step;
- ``run(text, operation)``: a quick edit done now (timeline, chapter form, YouTube fix): runs
  the core call, then ``push``;
- ``merge(changes)``: work that is not the user's (a sync pull, another program found by
  ``reload``): shown, and undo steps that could revert it are dropped, telling the user.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.domain.changes import ChangeOrigin, ChangeSet, still_undoable
from core.domain.chapters import ChapterTimeline
from core.domain.errors import DomainError


class ChangeSetCommand(QUndoCommand):
    """One user action as one undo step. It is pushed after the core stored the change, so
    the first ``redo`` (run by ``QUndoStack.push``) does nothing; later ones store it again."""

    def __init__(self, text: str, changes: ChangeSet, pipeline: ChapterPipeline) -> None:
        super().__init__(text)
        self.changes = changes
        self._pipeline = pipeline
        self._stored = True

    def redo(self) -> None:
        if self._stored:
            self._stored = False
            return
        self._pipeline._replay(self, self.changes, "redo")

    def undo(self) -> None:
        self._pipeline._replay(self, self.changes.inverse(), "undo")


class ChapterPipeline(QObject):
    #: a ``ChangeSet``, after ``timeline`` shows it (and after the database has it)
    changed = Signal(object)

    def __init__(
        self,
        service,
        vod_id: str,
        undo_stack: QUndoStack,
        show_message: Callable[[str, bool], None],
        parent: QObject | None = None,
        *,
        timeline: ChapterTimeline | None = None,
    ) -> None:
        super().__init__(parent)
        self._service, self.vod_id = service, vod_id
        self.undo_stack = undo_stack
        self._show_message = show_message
        self._rebuilding = False
        #: the VOD's chapters as the database has them, kept so by applying change sets
        #: (given when the editor read them off the GUI thread already)
        self.timeline: ChapterTimeline = timeline or service.timeline(vod_id)

    # --- the ways in ---------------------------------------------------------------------
    def push(self, text: str, changes: ChangeSet) -> None:
        """Show a change the core already stored and make it one undo step (none if empty)."""
        if not changes:
            return
        self._show(changes)
        self.undo_stack.push(ChangeSetCommand(text, changes, self))

    def run(self, text: str, operation: Callable[[], ChangeSet]) -> ChangeSet:
        """Run a core chapter operation now and ``push`` what it stored. A refused operation
        raises the core's ``DomainError`` and changes nothing."""
        changes = operation()
        self.push(text, changes)
        return changes

    def merge(self, changes: ChangeSet) -> None:
        """Show a change that is not the user's; the undo history keeps only steps that cannot
        revert it, and the user is told when steps were dropped (and what a pull brought)."""
        if changes:
            self._show(changes)
            self._rebase_and_tell(changes)

    def reload(self) -> ChangeSet:
        """Read the chapters again (after something outside the pipeline changed them) and
        treat the difference like ``merge`` does."""
        fresh = self._service.timeline(self.vod_id)
        changes = ChangeSet.between(
            self.vod_id, self.timeline.chapters, fresh.chapters, ChangeOrigin.EXTERNAL
        )
        self.timeline = fresh
        if changes:
            self.changed.emit(changes)
            self._rebase_and_tell(changes)
        return changes

    # --- internals -----------------------------------------------------------------------
    def _show(self, changes: ChangeSet) -> None:
        try:
            changes.apply_to(self.timeline)
        except DomainError:
            # The timeline missed a change made elsewhere: read it once and treat the
            # difference as outside work (the undo history is rebased when the stack is idle).
            stale = self.timeline.chapters
            self.timeline = self._service.timeline(self.vod_id)
            changes = ChangeSet.between(
                self.vod_id, stale, self.timeline.chapters, ChangeOrigin.EXTERNAL
            )
            QTimer.singleShot(0, self, lambda: self._rebase_and_tell(changes))
        self.changed.emit(changes)

    def _rebase_and_tell(self, foreign: ChangeSet) -> None:
        dropped = self._rebase(foreign)
        if foreign.origin is ChangeOrigin.PULL:
            text = f"From the platform: {foreign.summary()}"
        elif dropped:
            text = f"The chapters were changed outside this window: {foreign.summary()}"
        else:
            return
        if dropped:
            steps = f"{dropped} undo step{'s' if dropped != 1 else ''}"
            text += f"; {steps} touching those chapters removed, so undo cannot revert them"
        self._show_message(text, False)

    def _replay(self, command: ChangeSetCommand, changes: ChangeSet, verb: str) -> None:
        if self._rebuilding:
            return
        try:
            applied = self._service.apply(changes)
        except DomainError as error:
            # The chapters moved on since this step: it can never apply again, so it leaves
            # the history (QUndoStack removes an obsolete command once undo/redo returns).
            # Something outside the pipeline changed them: read them again once the stack is
            # idle, which also drops the steps tied to what changed.
            command.setObsolete(True)
            self._show_message(
                f"Could not {verb} “{command.text()}”: {error}. "
                "That step was removed from the undo history.",
                True,
            )
            QTimer.singleShot(0, self, self.reload)
            return
        self._show(applied)

    def _rebase(self, foreign: ChangeSet) -> int:
        """Drop the undo steps that touch chapters ``foreign`` changed (and those tied to them
        through a shared chapter); returns how many went."""
        stack = self.undo_stack
        commands = [stack.command(i) for i in range(stack.count())]
        history = [getattr(command, "changes", None) for command in commands]
        if any(changes is None for changes in history):  # not ours: cannot tell, drop all
            keep = [False] * len(history)
        else:
            keep = still_undoable(history, foreign)
        if all(keep):
            return 0
        done = stack.index()
        kept = [
            (command.text(), command.changes, position < done)
            for position, (command, keeping) in enumerate(zip(commands, keep, strict=True))
            if keeping
        ]
        self._rebuilding = True
        try:
            stack.clear()
            for text, changes, _ in kept:
                stack.push(ChangeSetCommand(text, changes, self))
            stack.setIndex(sum(1 for *_, was_done in kept if was_done))
        finally:
            self._rebuilding = False
        return len(commands) - len(kept)
