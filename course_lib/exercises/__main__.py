"""``python -m course_lib.exercises``: every exercise by section, for teachers."""

from . import EXERCISES


def main() -> None:
    section = None
    for exercise in EXERCISES.values():
        if exercise.section != section:
            section = exercise.section
            print(f"\nРаздел {section}")
        print(f"  {exercise.id:32} {exercise.statement}")


if __name__ == "__main__":
    main()
