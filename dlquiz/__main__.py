from dlquiz.cli import main

raise SystemExit(main())
