import pytest

from tests.e2e.resident import Resident


@pytest.fixture
def resident(rasa_stack):
    return Resident(rasa_stack)


@pytest.fixture(scope="session")
def case_store(rasa_stack):
    from bot.cases.store import CaseStore

    store = CaseStore(rasa_stack.env["INTAKE_DATABASE_URL"])
    yield store
    store.dispose()


def cases_of(store, conversation_id: str) -> list:
    """Every case a conversation filed."""
    from sqlalchemy import select

    from bot.cases.models import Case

    with store.read() as session:
        return list(session.execute(select(Case).where(Case.conversation_id == conversation_id)).scalars())


def stack_under(policy: str, trained_model, tmp_path_factory):
    """A stack (Rasa and action servers) under another policy profile, for a session fixture."""
    from tests.support.servers import another_stack

    yield from another_stack(policy, trained_model, tmp_path_factory, INTAKE_POLICY=policy)


@pytest.fixture(scope="session")
def hpg_stack(trained_model, tmp_path_factory):
    """A second stack under the Housing Plus Group profile: housing, care and new-build sales."""
    yield from stack_under("housing-plus-group", trained_model, tmp_path_factory)
