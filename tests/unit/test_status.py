import pytest

from core.domain.errors import InvalidTransitionError, ValidationError
from core.domain.status import VodStatus, check_transition

ALLOWED = {("processing", "ready"), ("processing", "failed"), ("ready", "deleted")}


@pytest.mark.parametrize("current", [s.value for s in VodStatus])
@pytest.mark.parametrize("target", [s.value for s in VodStatus])
def test_only_the_seed_transitions_are_allowed(current, target):
    if (current, target) in ALLOWED:
        assert check_transition(current, target) == VodStatus(target)
    else:
        with pytest.raises(InvalidTransitionError):
            check_transition(current, target)


def test_refusal_names_the_allowed_transitions():
    with pytest.raises(InvalidTransitionError, match="can only become failed or ready"):
        check_transition("processing", "deleted")
    with pytest.raises(InvalidTransitionError, match="final"):
        check_transition("failed", "ready")


def test_unknown_status_is_a_validation_error():
    with pytest.raises(ValidationError, match="unknown status 'done'"):
        check_transition("ready", "done")
