from tests import factories


def test_factories_and_login_work(login_as, session):
    case = factories.CaseFactory()
    assert case.reference.startswith("CSPR-2025-")
    signed_in = login_as("business_support")
    page = signed_in.get("/admin/case/")
    assert page.status_code == 200
    assert case.reference in page.get_data(as_text=True)
