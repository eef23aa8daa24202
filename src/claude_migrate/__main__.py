from claude_migrate.cli import main

main()
