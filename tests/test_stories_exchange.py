"""Stories exchange: Gherkin checking, `.feature`, CSV and Markdown, with real files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.stories import FIBONACCI, Epic, Priority, Sprint, Story, StoryStatus
from prodtui.exchange.gherkin import check_gherkin, criteria_body, scenario_template
from prodtui.exchange.stories_csv import parse_stories_csv, stories_to_csv
from prodtui.exchange.stories_feature import export_features, parse_feature, story_to_feature
from prodtui.exchange.stories_markdown import stories_markdown
from prodtui.exchange.story_import import PRIORITY_KEYS, STATUS_KEYS, StoryImport
from prodtui.i18n import set_language

FRENCH_FEATURE = """\
# language: fr
@demarches @dossier
Fonctionnalité: Dépôt d'un dossier de subvention
  En tant qu'association
  Je veux déposer ma demande en ligne
  Afin de ne plus envoyer de courrier

  Contexte:
    Étant donné que je suis connecté avec FranceConnect
    Et que mon association est enregistrée

  @critique
  Scénario: Dépôt complet
    Étant donné un formulaire rempli
    Quand je valide le dépôt
    Alors je reçois un accusé de réception
    Mais aucun courrier n'est envoyé

  Plan du scénario: Pièces justificatives
    Étant donné une pièce au format <format>
    Quand je la joins au dossier
    Alors le dépôt est <résultat>

    Exemples:
      | format | résultat |
      | PDF    | accepté  |
      | ODT    | accepté  |
      | EXE    | refusé   |
"""

ENGLISH_FEATURE = """\
Feature: Apply for a grant
  Background:
    Given I am signed in

  Scenario: Complete application
    Given a filled form
    When I submit it
    Then I get a receipt
    And no letter is sent
"""

EPICS = {
    1: Epic(id=1, title="Démarches en ligne"),
    2: Epic(id=2, title="Espace agent : instruction"),
}
SPRINTS = {
    7: Sprint(id=7, name="Sprint 7", start_date=date(2026, 11, 16), end_date=date(2026, 11, 27)),
}


def make_stories() -> list[Story]:
    return [
        Story(
            number=12,
            title="Déposer un dossier",
            persona="usager",
            want="déposer mon dossier en ligne",
            so_that="éviter le guichet",
            description="Le **dépôt** se fait en trois étapes.\n\n# Notes\n@équipe à voir",
            acceptance=FRENCH_FEATURE,
            status=StoryStatus.READY,
            priority=Priority.MUST,
            points=5,
            epic_id=1,
            sprint_id=7,
        ),
        Story(
            number=13,
            title="Instruire un dossier",
            persona="agent instructeur",
            want="voir les pièces\nmanquantes",
            so_that="relancer l'usager",
            acceptance="Scénario: Pièce manquante\n  Quand une pièce manque\n  Alors je relance",
            status=StoryStatus.REFINING,
            priority=Priority.SHOULD,
            points=3,
            epic_id=2,
        ),
        Story(
            number=14,
            title="Export of the list",
            persona="manager",
            want="an export",
            so_that="I report",
            acceptance=ENGLISH_FEATURE,
            status=StoryStatus.IDEA,
        ),
        Story(
            number=15,
            title="Idée en vrac",
            acceptance="L'usager peut se connecter\net se déconnecter",
            priority=Priority.WONT,
            points=0,
        ),
    ]


def same(imported: StoryImport, stories: list[Story]) -> None:
    """The imported stories carry the originals' content (criteria normalised)."""
    assert imported.problems == []
    assert len(imported.stories) == len(stories)
    for got, want in zip(imported.stories, stories, strict=True):
        for name in ("number", "title", "persona", "want", "so_that", "status", "priority"):
            assert getattr(got.story, name) == getattr(want, name), name
        assert got.story.points == want.points
        assert criteria_body(got.story.acceptance)[0] == criteria_body(want.acceptance)[0]


# --- Gherkin checking -------------------------------------------------------------------


def test_real_world_french_feature_is_understood() -> None:
    check = check_gherkin(FRENCH_FEATURE)
    assert check.ok, check.errors
    assert check.language == "fr"
    assert check.has_feature and check.valid_scenarios == 2
    assert [(s.name, s.keyword, s.line, s.steps, s.examples_rows) for s in check.scenarios] == [
        ("Dépôt complet", "Scénario", 13, 4, None),
        ("Pièces justificatives", "Plan du scénario", 19, 3, 3),
    ]


def test_french_keywords_need_no_header_nor_feature_line() -> None:
    text = "Scénario: Connexion\n  Étant donné un usager\n  Quand il se connecte\n  Alors il voit\n"
    check = check_gherkin(text)
    assert check.ok and check.language == "fr" and not check.has_feature
    assert [(s.name, s.line, s.steps) for s in check.scenarios] == [("Connexion", 1, 3)]


def test_english_is_recognised_whatever_the_default() -> None:
    for default in ("fr", "en"):
        check = check_gherkin(ENGLISH_FEATURE, default)
        assert check.ok and check.language == "en"
        assert [s.steps for s in check.scenarios] == [4]
    scenarios_only = check_gherkin("Scenario: a\n  Given b\n  Then c\n")
    assert scenarios_only.ok and scenarios_only.language == "en"


def test_a_language_header_wins() -> None:
    check = check_gherkin("# language: en\nScénario: a\n  Quand b\n")
    assert check.language == "en" and not check.ok
    assert check_gherkin("# language: xx\nScenario: a\n").errors[0].line == 1


def test_empty_and_comment_only_texts_are_fine() -> None:
    for text in ("", "   \n\n", "# une note\n"):
        check = check_gherkin(text)
        assert check.ok and check.scenarios == []


@pytest.mark.parametrize("feature_line", [False, True])
def test_error_lines_point_at_the_broken_line(feature_line: bool) -> None:
    head = "Fonctionnalité: Dépôt\n" if feature_line else ""
    shift = 1 if feature_line else 0

    step_first = head + "  Étant donné un usager\n  Scénario: a\n    Quand b\n"
    errors = check_gherkin(step_first).errors
    assert [e.line for e in errors] == [1 + shift]
    assert "avant tout scénario" in errors[0].message

    unknown = head + "Scénario: a\n  Étant donné b\n  Lorsqu'il clique\n  Ensuite c\n"
    errors = check_gherkin(unknown).errors
    assert [(e.line, e.column) for e in errors] == [(4 + shift, 3)]
    assert "«\u202fEnsuite c\u202f»" in errors[0].message and "Étant donné" in errors[0].message

    misspelt_first_step = head + "\n# note\nScénario: a\n  Etant donne b\n  Quand c\n"
    errors = check_gherkin(misspelt_first_step).errors
    assert [e.line for e in errors] == [4 + shift]
    assert "mot-clé inconnu" in errors[0].message
    assert check_gherkin(misspelt_first_step).valid_scenarios == 0


def test_table_errors_and_english_messages() -> None:
    set_language("en")
    errors = check_gherkin("Scenario: a\n  Given b\n    | x | y |\n    | z |\n").errors
    assert [e.line for e in errors] == [4]
    assert "same number of cells" in errors[0].message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(
                [
                    "Fonctionnalité: x",
                    "Scénario: s",
                    "Plan du scénario: p",
                    "Exemples:",
                    "Contexte:",
                    "Règle: r",
                    "Étant donné a",
                    "Quand b",
                    "Alors <c>",
                    "| a | b |",
                    "| a |",
                    '"""',
                    "```",
                    "@tag",
                    "# language: en",
                    "# language: zz",
                    "Feature: y",
                    "Given z",
                ]
            ),
        ),
        max_size=15,
    ),
    st.sampled_from(["fr", "en", "xx"]),
)
def test_check_gherkin_never_raises(lines: list[str], default: str) -> None:
    check = check_gherkin("\n".join(lines), default)
    total = max(1, len("\n".join(lines).replace("\r\n", "\n").replace("\r", "\n").split("\n")))
    assert all(1 <= error.line <= total for error in check.errors)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_scenario_template_checks(language: str) -> None:
    template = scenario_template(language)
    check = check_gherkin(template, language)
    assert check.ok and check.language == language and check.scenarios[0].steps == 3
    expected = (
        ("Scénario:", "Étant donné", "Quand", "Alors")
        if language == "fr"
        else (
            "Scenario:",
            "Given",
            "When",
            "Then",
        )
    )
    assert all(word in template for word in expected)


# --- .feature files ---------------------------------------------------------------------


def test_story_becomes_a_feature_file() -> None:
    story = make_stories()[0]
    text = story_to_feature(story, EPICS[1])
    assert text.startswith("# language: fr\n# épopée: Démarches en ligne\n")
    assert (
        "@US-12 @must @points-5 @status-ready\nFonctionnalité: US-12 Déposer un dossier\n" in text
    )
    assert "  En tant qu'usager\n  je veux déposer mon dossier en ligne\n  afin d'éviter" in text
    # The criteria's own Feature line and description are not repeated.
    assert "Dépôt d'un dossier de subvention" not in text
    assert "Afin de ne plus envoyer de courrier" not in text
    assert "  Plan du scénario: Pièces justificatives" in text
    assert check_gherkin(text).ok


def test_stories_to_feature_and_back(tmp_path: Path) -> None:
    stories = make_stories()
    imports = []
    for story in stories:
        epic = EPICS.get(story.epic_id) if story.epic_id else None
        path = tmp_path / f"{story.key}.feature"
        path.write_text(story_to_feature(story, epic), encoding="utf-8")
        imports.append(parse_feature(path.read_text(encoding="utf-8"), path.name))
    merged = StoryImport.merged(imports)
    same(merged, stories)
    assert [s.story.description for s in merged.stories] == [s.description for s in stories]
    assert [s.epic_name for s in merged.stories] == [
        "Démarches en ligne",
        "Espace agent : instruction",
        None,
        None,
    ]
    # Criteria that do not parse travel as comments and come back as typed.
    assert merged.stories[3].story.acceptance == stories[3].acceptance
    assert merged.stories[0].position == "US-12.feature:4"


def test_english_wording(tmp_path: Path) -> None:
    story = make_stories()[2]
    text = story_to_feature(story, None, language="en")
    assert "# language: en\n" in text and "Feature: US-14 Export of the list" in text
    assert "  As a manager\n  I want an export\n  so that I report\n" in text
    same(parse_feature(text, "x.feature"), [story])


def test_real_world_feature_file_is_imported(tmp_path: Path) -> None:
    path = tmp_path / "depot.feature"
    path.write_text(FRENCH_FEATURE, encoding="utf-8")
    result = parse_feature(path.read_text(encoding="utf-8"), path.name)
    assert result.ok
    [imported] = result.stories
    story = imported.story
    assert (story.title, story.number, story.persona) == (
        "Dépôt d'un dossier de subvention",
        None,
        "association",
    )
    assert story.want == "déposer ma demande en ligne"
    assert story.so_that == "ne plus envoyer de courrier"
    assert story.acceptance.startswith("Contexte:\n  Étant donné que je suis connecté")
    assert story.acceptance.endswith("| EXE    | refusé   |")
    assert check_gherkin(story.acceptance).ok
    assert imported.position == "depot.feature:3"


def test_feature_without_user_story_form_keeps_its_description() -> None:
    text = "Feature: US-3 Search\n  Free text about the search.\n\n  Scenario: s\n    Given a\n"
    [imported] = parse_feature(text, "search.feature").stories
    assert imported.story.number == 3 and imported.story.title == "Search"
    assert (
        imported.story.persona == "" and imported.story.description == "Free text about the search."
    )


def test_feature_errors_are_reported_with_file_and_line() -> None:
    broken = "# language: fr\nFonctionnalité: x\n  Scénario: a\n    Quand b\n    Patati\n"
    result = parse_feature(broken, "a.feature")
    assert result.stories == [] and [p.position for p in result.problems] == ["a.feature:5"]

    bad_tags = "@points-4 @status-pret\nFonctionnalité: x\n"
    problems = parse_feature(bad_tags, "b.feature").problems
    assert {(p.position, p.field) for p in problems} == {
        ("b.feature:1", "points"),
        ("b.feature:1", "status"),
    }

    for text in ("", "Scénario: sans fonctionnalité\n  Quand a\n", "\x00\x1b[2J"):
        result = parse_feature(text, "c.feature")
        assert result.stories == [] and result.problems and not result.importable


def test_export_folders_by_epic_and_no_overwrite(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    paths = export_features(make_stories(), EPICS, folder)
    assert sorted(str(p.relative_to(folder)) for p in paths) == [
        "demarches-en-ligne/US-12-deposer-un-dossier.feature",
        "espace-agent-instruction/US-13-instruire-un-dossier.feature",
        "sans-epopee/US-14-export-of-the-list.feature",
        "sans-epopee/US-15-idee-en-vrac.feature",
    ]
    imported = StoryImport.merged(
        parse_feature(p.read_text(encoding="utf-8"), p.name) for p in paths
    )
    same(imported, make_stories())

    # A second export over the first is refused before anything is written.
    before = {p: p.read_text(encoding="utf-8") for p in paths}
    changed = [s.edit(title=s.title) for s in make_stories()]
    changed.append(Story(number=99, title="Nouvelle", epic_id=1))
    with pytest.raises(ProdtuiError) as refused:
        export_features(changed, EPICS, folder)
    assert refused.value.key == "export.exists"
    assert not (folder / "demarches-en-ligne" / "US-99-nouvelle.feature").exists()
    assert {p: p.read_text(encoding="utf-8") for p in paths} == before
    assert sorted(p.name for p in folder.rglob("*") if p.name.startswith(".")) == []

    # Asked for, the overwrite replaces the files and adds the new one.
    written = export_features(changed, EPICS, folder, overwrite=True)
    assert (folder / "demarches-en-ligne" / "US-99-nouvelle.feature") in written
    assert "Fonctionnalité: US-99 Nouvelle" in written[-1].read_text(encoding="utf-8")


# --- CSV --------------------------------------------------------------------------------


def test_stories_to_csv_and_back(tmp_path: Path) -> None:
    stories = make_stories()
    path = tmp_path / "stories.csv"
    path.write_text(stories_to_csv(stories, EPICS, SPRINTS), encoding="utf-8")
    result = parse_stories_csv(path.read_text(encoding="utf-8"), path.name)
    same(result, stories)
    assert [s.story.acceptance for s in result.stories] == [s.acceptance for s in stories]
    assert [s.story.description for s in result.stories] == [s.description for s in stories]
    assert [(s.epic_name, s.sprint_name) for s in result.stories] == [
        ("Démarches en ligne", "Sprint 7"),
        ("Espace agent : instruction", None),
        (None, None),
        (None, None),
    ]
    assert result.stories[1].position == "stories.csv:row 3"


def test_csv_formulas_are_escaped_and_restored(tmp_path: Path) -> None:
    story = Story(
        number=1,
        title='=HYPERLINK("http://evil","clic")',
        persona="+cmd|' /C calc'!A0",
        want="-2+3",
        so_that="@SUM(A1:A9)",
        description="\tindent",
        acceptance="'=already quoted",
    )
    text = stories_to_csv([story], {}, {})
    row = text.splitlines()[1]
    for cell in ("'=HYPERLINK", "'+cmd", "'-2+3", "'@SUM", "'\tindent", "''=already"):
        assert cell in row
    path = tmp_path / "formulas.csv"
    path.write_text(text, encoding="utf-8")
    [back] = parse_stories_csv(path.read_text(encoding="utf-8"), path.name).stories
    for name in ("title", "persona", "want", "so_that", "description", "acceptance"):
        assert getattr(back.story, name) == getattr(story, name)


def test_bad_csv_records_are_each_reported(tmp_path: Path) -> None:
    path = tmp_path / "backlog.csv"
    path.write_text(
        "Titre;Statut;Priorité;Points;Clé\n"
        "Bonne story;Prête;Must have;5;US-3\n"
        ";En cours;;;\n"
        "Autre;Bientôt;Peut-être;4;US-4\n"
        "\n"
        "Encore une;idea;wont;2;douze\n"
        "Doublon;À affiner;Indispensable;1;3\n",
        encoding="utf-8",
    )
    result = parse_stories_csv(path.read_text(encoding="utf-8"), path.name)
    assert {(p.position, p.field) for p in result.problems} == {
        ("backlog.csv:row 3", "title"),
        ("backlog.csv:row 4", "status"),
        ("backlog.csv:row 4", "priority"),
        ("backlog.csv:row 4", "points"),
        ("backlog.csv:row 6", "key"),
        ("backlog.csv:row 7", "key"),
    }
    assert result.importable == [] and not result.ok
    assert [s.story.title for s in result.stories] == ["Bonne story", "Doublon"]
    assert result.stories[0].story.status is StoryStatus.READY
    assert result.stories[0].story.priority is Priority.MUST


def test_csv_header_problems() -> None:
    unknown = parse_stories_csv("title,colour\nA,red\n", "a.csv")
    assert [p.position for p in unknown.problems] == ["a.csv:row 1"]
    assert "colour" in unknown.problems[0].message and unknown.stories == []
    assert parse_stories_csv("Ma story,idea\n", "b.csv").problems[0].position == "b.csv:row 1"
    assert parse_stories_csv("", "c.csv").problems
    broken_quote = parse_stories_csv('title,description\nA,"never closed\n', "d.csv")
    assert [p.position for p in broken_quote.problems] == ["d.csv:row 2"]
    key_optional = parse_stories_csv("\ufefftitle\nJuste un titre\n", "e.csv")
    assert key_optional.ok and key_optional.stories[0].story.number is None


def test_labels_of_either_language_are_read_and_problems_follow_the_interface() -> None:
    assert set(STATUS_KEYS) == set(StoryStatus) and set(PRIORITY_KEYS) == set(Priority)
    text = "title,status,priority\nA,In acceptance testing,Pas cette fois\nB,Prête,Must have\n"
    read = parse_stories_csv(text, "a.csv")
    assert [(s.story.status, s.story.priority) for s in read.stories] == [
        (StoryStatus.IN_RECETTE, Priority.WONT),
        (StoryStatus.READY, Priority.MUST),
    ]
    extra = "title,status\nA,idea,x\nB,idea,x,y\n"
    assert [p.message for p in parse_stories_csv(extra, "b.csv").problems] == [
        "1 cellule de plus que de colonnes",
        "2 cellules de plus que de colonnes",
    ]
    set_language("en")
    refused = parse_stories_csv("title,status\nA,Bientôt\n", "c.csv").problems[0].message
    assert refused.startswith("unknown status “Bientôt”; expected: Idea, To refine, Ready")
    assert [p.message for p in parse_stories_csv(extra, "b.csv").problems] == [
        "1 more cell than columns",
        "2 more cells than columns",
    ]


single_line = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
    max_size=20,
).map(str.strip)
multi_line = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from(["\n", "\t", "=", "+", "-", "@", "'", '"', ",", ";"]),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.builds(
            Story,
            number=st.one_of(st.none(), st.integers(1, 10_000)),
            title=single_line.filter(bool),
            persona=single_line,
            want=single_line,
            so_that=single_line,
            description=multi_line,
            acceptance=multi_line,
            status=st.sampled_from(list(StoryStatus)),
            priority=st.one_of(st.none(), st.sampled_from(list(Priority))),
            points=st.one_of(st.none(), st.sampled_from(FIBONACCI)),
        ),
        max_size=4,
        unique_by=lambda s: s.number or id(s),
    )
)
def test_any_stories_survive_csv(stories: list[Story]) -> None:
    result = parse_stories_csv(stories_to_csv(stories, {}, {}), "s.csv")
    assert result.ok, result.problems
    fields = ("number", "title", "persona", "want", "so_that", "description", "acceptance")
    for got, want in zip(result.stories, stories, strict=True):
        assert got.story.model_dump(include=set(fields)) == want.model_dump(include=set(fields))
        assert (got.story.status, got.story.priority, got.story.points) == (
            want.status,
            want.priority,
            want.points,
        )


@settings(max_examples=150, deadline=None)
@given(
    st.builds(
        Story,
        number=st.one_of(st.none(), st.integers(1, 10_000)),
        title=single_line.filter(lambda t: t and not t.upper().startswith("US-")),
        persona=single_line,
        want=single_line,
        so_that=single_line,
        description=multi_line,
        status=st.sampled_from(list(StoryStatus)),
        priority=st.one_of(st.none(), st.sampled_from(list(Priority))),
        points=st.one_of(st.none(), st.sampled_from(FIBONACCI)),
    ),
    st.sampled_from(["fr", "en"]),
)
def test_any_story_survives_a_feature_file(story: Story, language: str) -> None:
    result = parse_feature(story_to_feature(story, None, language), "s.feature")
    assert result.ok, result.problems
    [got] = result.stories
    for name in ("number", "title", "persona", "want", "so_that", "status", "priority", "points"):
        assert getattr(got.story, name) == getattr(story, name), name
    expected = story.description.strip("\n") if story.description.strip() else ""
    assert [line.rstrip() for line in got.story.description.split("\n")] == [
        line.rstrip() for line in expected.split("\n")
    ]


# --- Markdown ---------------------------------------------------------------------------


def test_backlog_markdown() -> None:
    stories = make_stories()
    stories[1] = stories[1].edit(title="Instruire | <b>vite</b>")
    text = stories_markdown(stories, EPICS, SPRINTS)
    assert text.startswith(
        "# Backlog\n\n**Stories\u202f:** 4 · **Prêtes\u202f:** 1 · **Points estimés\u202f:** 8\n"
    )
    assert (
        "| US-12 | Déposer un dossier | Prête | Indispensable | 5 | Démarches en ligne | Sprint 7 |"
        in text
    )
    assert "Instruire \\| &lt;b>vite&lt;/b>" in text and "<b>" not in text
    assert "## US-12 — Déposer un dossier" in text
    assert (
        "En tant qu'usager, je veux déposer mon dossier en ligne, afin d'éviter le guichet." in text
    )
    assert "### Critères d'acceptation\n\n```gherkin\n# language: fr" in text
    set_language("en")
    english = stories_markdown(stories, EPICS, SPRINTS)
    assert "| Key | Title | Status |" in english and "As a usager, I want" in english
    assert stories_markdown([], {}, {}) == "# Backlog\n\nNo stories.\n"
