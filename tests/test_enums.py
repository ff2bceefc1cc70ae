"""Labels people read for the register's fixed choices."""

from hartdesk.models.enums import DpaStatus, IdentityMethod, IdentityStatus, RequestChannel


def test_choices_with_the_same_stored_value_keep_their_own_labels() -> None:
    # StrEnum members of different classes with the same value compare equal; each must still read as its own.
    assert DpaStatus.REQUESTED.label == "Requested"
    assert IdentityStatus.REQUESTED.label == "Evidence asked for"
    assert RequestChannel.IN_PERSON.label == "In person"
    assert IdentityMethod.IN_PERSON.label == "Seen in person"
