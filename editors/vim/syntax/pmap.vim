" Vim syntax file
" Language: procmap models (.pmap), docs/language.md
if exists('b:current_syntax')
  finish
endif

syn keyword pmapDecl system process step person actor tool nextgroup=pmapId skipwhite
syn match pmapId /[A-Za-z_][A-Za-z0-9_-]*/ contained
syn keyword pmapTitle title
syn match pmapKey /\<\(owner\|description\|runs\|trigger\|capacity\|uses\|takes\|waits\)\ze\s*:/
syn match pmapKey /\<ignore\ze\s*:/ nextgroup=pmapRuleSep
syn match pmapRuleSep /\s*:\s*/ contained nextgroup=pmapRule
syn match pmapRule /[a-z][a-z-]*/ contained
syn match pmapArrow /->/
syn match pmapNumber /\<\d\+\(\.\d\+\)\?%/
syn match pmapNumber /\<\(\d\+\(\.\d\+\)\?[mhdw]\)\+\(\/[a-z]\+\)\?\>/
syn match pmapNumber /\<\d\+\(\.\d\+\)\?\/[a-z]\+\>/
syn match pmapEscape /\\["\\n]/ contained
syn region pmapString start=/"/ skip=/\\\\\|\\"/ end=/"\|$/ contains=pmapEscape oneline
syn match pmapComment /#.*$/ contains=@Spell

hi def link pmapDecl Keyword
hi def link pmapTitle Keyword
hi def link pmapId Identifier
hi def link pmapKey Type
hi def link pmapRule Constant
hi def link pmapArrow Operator
hi def link pmapNumber Number
hi def link pmapString String
hi def link pmapEscape SpecialChar
hi def link pmapComment Comment

let b:current_syntax = 'pmap'
